import type { OrgRole } from '../../shared/domain.js';
import { forbidden } from './errors.js';

/** Who is calling: a signed-in user (session cookie) or a tool (access token). */
export interface Actor {
  userId: string;
  email: string;
  isOperator: boolean;
  /** Organization id → the actor's role there. */
  roles: ReadonlyMap<string, OrgRole>;
  /** How the actor appears in the audit log. */
  label: string;
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

export function roleAtLeast(role: OrgRole, minimum: OrgRole): boolean {
  return RANK[role] >= RANK[minimum];
}
