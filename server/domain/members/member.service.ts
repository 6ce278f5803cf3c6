import type { PrismaClient } from '../../db/database.js';
import type { Membership, OrgRole, User } from '../../db/generated/client.js';
import { hashPassword } from '../../secrets/tokens.js';
import { type Actor, requireOrgRole } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound } from '../errors.js';
import { cleanText } from '../text.js';

export interface AddMemberInput {
  organizationId: string;
  email: string;
  role: OrgRole;
  /** Sets the password of a user created by this call, so they can sign in to the dashboard. */
  password?: string | null;
}

export type MembershipWithUser = Membership & { user: User };

export class MemberService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

  /** For batch loading; callers have already authorized the organizations. */
  async listForOrganizations(organizationIds: readonly string[]): Promise<MembershipWithUser[]> {
    return this.prisma.membership.findMany({
      where: { organizationId: { in: [...organizationIds] } },
      include: { user: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Adds an existing user, or creates the user first. Only an OWNER may make an OWNER. */
  async add(actor: Actor, input: AddMemberInput): Promise<MembershipWithUser> {
    requireOrgRole(actor, input.organizationId, input.role === 'OWNER' ? 'OWNER' : 'ADMIN');
    const email = normalizeEmail(input.email);
    if (input.password != null && input.password.length < 8) throw badInput('password must be at least 8 characters');
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.prisma.$transaction(async (tx) => {
      const organization = await tx.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
      if (!organization) throw notFound('Organization');
      let user = await tx.user.findUnique({ where: { email } });
      if (!user) user = await tx.user.create({ data: { email, passwordHash } });
      const existing = await tx.membership.findUnique({
        where: { userId_organizationId: { userId: user.id, organizationId: input.organizationId } },
      });
      if (existing?.role === 'OWNER' && input.role !== 'OWNER') {
        // Demoting an OWNER takes an OWNER, as removing one does.
        requireOrgRole(actor, input.organizationId, 'OWNER');
        await this.assertAnotherOwner(tx, input.organizationId, user.id);
      }
      const membership = await tx.membership.upsert({
        where: { userId_organizationId: { userId: user.id, organizationId: input.organizationId } },
        create: { userId: user.id, organizationId: input.organizationId, role: input.role },
        update: { role: input.role },
        include: { user: true },
      });
      await this.audit.record(tx, actor, {
        organizationId: input.organizationId,
        action: existing ? 'member.change-role' : 'member.add',
        targetType: 'User',
        targetId: user.id,
        details: { email, role: input.role, ...(existing ? { previousRole: existing.role } : {}) },
      });
      return membership;
    });
  }

  async remove(actor: Actor, organizationId: string, userId: string): Promise<boolean> {
    requireOrgRole(actor, organizationId, 'ADMIN');
    return this.prisma.$transaction(async (tx) => {
      const membership = await tx.membership.findUnique({
        where: { userId_organizationId: { userId, organizationId } },
        include: { user: true },
      });
      if (!membership) throw notFound('Member');
      if (membership.role === 'OWNER') {
        requireOrgRole(actor, organizationId, 'OWNER');
        await this.assertAnotherOwner(tx, organizationId, userId);
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

  private async assertAnotherOwner(tx: Pick<PrismaClient, 'membership'>, organizationId: string, userId: string): Promise<void> {
    const others = await tx.membership.count({ where: { organizationId, role: 'OWNER', userId: { not: userId } } });
    if (others === 0) throw badInput('An organization must keep at least one OWNER');
  }
}

export function normalizeEmail(value: string): string {
  const email = cleanText('email', value, 254).toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badInput('email must be an email address');
  return email;
}
