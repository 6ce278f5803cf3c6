import type { PrismaClient } from '../../db/database.js';
import type { Membership, OrgRole, Prisma, User } from '../../db/generated/client.js';
import { type Actor, requireOperator, requireOrgRole } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound } from '../errors.js';
import { cleanText } from '../text.js';
import type { InvitationService, IssuedInvitation } from './invitation.service.js';

export interface AddMemberInput {
  organizationId: string;
  email: string;
  role: OrgRole;
  /** No longer accepted: nobody sets another person's password. Refused with an explanation. */
  password?: string | null;
}

export type MembershipWithUser = Membership & { user: User };

/** Exactly one is set: an existing member's new role, or the invitation sent to someone new. */
export interface AddMemberResult {
  member: MembershipWithUser | null;
  invitation: IssuedInvitation | null;
}

type Tx = Prisma.TransactionClient;

export class MemberService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly invitations: InvitationService,
  ) {}

  /** For batch loading; callers have already authorized the organizations. */
  async listForOrganizations(organizationIds: readonly string[]): Promise<MembershipWithUser[]> {
    return this.prisma.membership.findMany({
      where: { organizationId: { in: [...organizationIds] } },
      include: { user: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /**
   * Invites someone who is not yet a member (new and existing accounts alike: they join only by
   * accepting), or changes an existing member's role. Only an OWNER may make an OWNER.
   */
  async add(actor: Actor, input: AddMemberInput, now = new Date()): Promise<AddMemberResult> {
    if (input.password != null) {
      throw badInput(
        'addMember no longer sets passwords: it sends an invitation link, and the invited person chooses their own password when accepting',
      );
    }
    const minimum = input.role === 'OWNER' ? 'OWNER' : 'ADMIN';
    requireOrgRole(actor, input.organizationId, minimum);
    const email = normalizeEmail(input.email);
    return this.prisma.$transaction(async (tx) => {
      const current = await this.lockMemberships(tx, actor, input.organizationId);
      requireOrgRole(current, input.organizationId, minimum);
      const existing = await tx.membership.findFirst({ where: { organizationId: input.organizationId, user: { email } } });
      if (!existing) {
        const invitation = await this.invitations.issue(tx, actor, { organizationId: input.organizationId, email, role: input.role }, now);
        return { member: null, invitation };
      }
      if (existing.role === 'OWNER' && input.role !== 'OWNER') {
        // Demoting an OWNER takes an OWNER, as removing one does.
        requireOrgRole(current, input.organizationId, 'OWNER');
        await assertAnotherOwner(tx, input.organizationId, existing.userId);
      }
      const member = await tx.membership.update({ where: { id: existing.id }, data: { role: input.role }, include: { user: true } });
      await this.audit.record(tx, actor, {
        organizationId: input.organizationId,
        action: 'member.change-role',
        targetType: 'User',
        targetId: existing.userId,
        details: { email, role: input.role, previousRole: existing.role },
      });
      return { member, invitation: null };
    });
  }

  /** Operator tools only (seed-demo): the user, created if new, joins at once without an invitation. */
  async addDirectly(actor: Actor, input: { organizationId: string; email: string; role: OrgRole }): Promise<MembershipWithUser> {
    requireOperator(actor);
    const email = normalizeEmail(input.email);
    return this.prisma.$transaction(async (tx) => {
      await this.lockMemberships(tx, actor, input.organizationId);
      const user = await tx.user.upsert({ where: { email }, create: { email }, update: {} });
      const member = await tx.membership.upsert({
        where: { userId_organizationId: { userId: user.id, organizationId: input.organizationId } },
        create: { userId: user.id, organizationId: input.organizationId, role: input.role },
        update: { role: input.role },
        include: { user: true },
      });
      await this.audit.record(tx, actor, {
        organizationId: input.organizationId,
        action: 'member.add',
        targetType: 'User',
        targetId: user.id,
        details: { email, role: input.role },
      });
      return member;
    });
  }

  async remove(actor: Actor, organizationId: string, userId: string): Promise<boolean> {
    requireOrgRole(actor, organizationId, 'ADMIN');
    return this.prisma.$transaction(async (tx) => {
      const current = await this.lockMemberships(tx, actor, organizationId);
      requireOrgRole(current, organizationId, 'ADMIN');
      const membership = await tx.membership.findUnique({
        where: { userId_organizationId: { userId, organizationId } },
        include: { user: true },
      });
      if (!membership) throw notFound('Member');
      if (membership.role === 'OWNER') {
        requireOrgRole(current, organizationId, 'OWNER');
        await assertAnotherOwner(tx, organizationId, userId);
      }
      await tx.membership.delete({ where: { id: membership.id } });
      await this.audit.record(tx, actor, {
        organizationId,
        action: 'member.remove',
        targetType: 'User',
        targetId: userId,
        details: { email: membership.user.email, role: membership.role },
      });
      return true;
    });
  }

  /**
   * Serializes membership changes per organization: the row lock is held until the transaction
   * ends, so two OWNERs removing each other at once cannot both see "another OWNER remains".
   * Returns the actor with its role there read again under the lock, as a concurrent change
   * may have taken it.
   */
  private async lockMemberships(tx: Tx, actor: Actor, organizationId: string): Promise<Actor> {
    await lockOrganizationMembers(tx, organizationId);
    const own = await tx.membership.findUnique({
      where: { userId_organizationId: { userId: actor.userId, organizationId } },
      select: { role: true },
    });
    const roles = new Map(actor.roles);
    if (own) roles.set(organizationId, own.role);
    else roles.delete(organizationId);
    return { ...actor, roles };
  }
}

/**
 * Serializes membership changes per organization until the transaction ends (see
 * lockMemberships); also for the operator CLI, which changes memberships without an actor.
 */
export async function lockOrganizationMembers(tx: Tx, organizationId: string): Promise<void> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Organization" WHERE "id" = ${organizationId} FOR UPDATE`;
  if (locked.length === 0) throw notFound('Organization');
}

/** Before an OWNER is removed or demoted, under lockOrganizationMembers. */
export async function assertAnotherOwner(tx: Tx, organizationId: string, userId: string): Promise<void> {
  const others = await tx.membership.count({ where: { organizationId, role: 'OWNER', userId: { not: userId } } });
  if (others === 0) throw badInput('An organization must keep at least one OWNER');
}

export function normalizeEmail(value: string): string {
  const email = cleanText('email', value, 254).toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badInput('email must be an email address');
  return email;
}
