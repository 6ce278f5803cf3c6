import type { OrgRole } from '../../shared/domain.js';
import { forbidden, notFound } from './errors.js';

/** Who is calling: a signed-in user (session cookie) or a tool (access token). */
export interface Actor {
  userId: string;
  email: string;
  isOperator: boolean;
  /** Organization id → the actor's role there. */
  roles: ReadonlyMap<string, OrgRole>;
  /** How the actor appears in the audit log. */
  label: string;
  /** The access token the caller authenticated with; absent for a session or an operator tool. */
  accessToken?: { id: string; expiresAt: Date | null };
}

const RANK: Record<OrgRole, number> = { MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function requireOperator(actor: Actor): void {
  if (!actor.isOperator) throw forbidden('Only platform operators can do this');
}

/** Operators pass everywhere; others need at least `minimum` in that organization. */
export function requireOrgRole(actor: Actor, organizationId: string, minimum: OrgRole): void {
  if (actor.isOperator) return;
  const role = actor.roles.get(organizationId);
  if (!role) throw forbidden('You are not a member of this organization');
  if (RANK[role] < RANK[minimum]) throw forbidden(`This needs the ${minimum} role or higher in the organization`);
}

/**
 * The tenancy guard for a row loaded by id. A row outside the actor's organizations reads as
 * not found, like a missing one, so ids cannot be probed; then `minimum`, when given, is
 * required in the row's organization.
 */
export function requireTenantRow<T>(actor: Actor, row: T | null, organizationId: string | undefined, what: string, minimum?: OrgRole): T {
  if (!row || organizationId === undefined || !(actor.isOperator || actor.roles.has(organizationId))) throw notFound(what);
  if (minimum) requireOrgRole(actor, organizationId, minimum);
  return row;
}
