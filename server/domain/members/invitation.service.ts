import type { PrismaClient } from '../../db/database.js';
import type { Invitation, OrgRole, Prisma } from '../../db/generated/client.js';
import { hashPassword, hashSecret, newInvitationSecret } from '../../secrets/tokens.js';
import { type Actor, requireOrgRole, requireTenantRow } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { checkNewPassword } from '../auth/auth.service.js';
import type { SignInThrottle } from '../auth/sign-in-throttle.js';
import { badInput, DomainError, forbidden, isUniqueViolation } from '../errors.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Where the dashboard's accept page lives; the token rides in the fragment, which browsers never send. */
export const ACCEPT_INVITATION_PATH = '/accept-invitation';

export type InvitationView = Omit<Invitation, 'tokenHash'>;
/** An invitation with its one-time link: only in the reply that created it. */
export type IssuedInvitation = InvitationView & { url: string };

export interface AcceptInvitationInput {
  token: string;
  /** Signed in: accept as this account. Otherwise a new account is created with `password`. */
  actor: Actor | null;
  password: string | null;
  address: string;
}

type Tx = Prisma.TransactionClient;

// One answer for unknown, expired, revoked and used tokens: no oracle for which it was.
const invalidLink = () => badInput('This invitation link is invalid, expired or already used; ask for a new one');

/**
 * Invitations: how anyone joins an organization. Nobody sets another person's password; the
 * invited person accepts, choosing their own password if they are new.
 */
export class InvitationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly throttle: SignInThrottle,
    private readonly publicUrl: string,
  ) {}

  /** Pending invitations, for batch loading; callers have already authorized the organizations. */
  async listPending(organizationIds: readonly string[], now = new Date()): Promise<InvitationView[]> {
    return this.prisma.invitation.findMany({
      where: { organizationId: { in: [...organizationIds] }, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      omit: { tokenHash: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Inside the caller's transaction (which has authorized it): replaces any pending invitation for this email. */
  async issue(
    tx: Tx,
    actor: Actor,
    input: { organizationId: string; email: string; role: OrgRole },
    now = new Date(),
  ): Promise<IssuedInvitation> {
    await tx.invitation.updateMany({
      where: { organizationId: input.organizationId, email: input.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const token = newInvitationSecret();
    const invitation = await tx.invitation.create({
      data: {
        ...input,
        tokenHash: hashSecret(token),
        invitedByUserId: actor.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
      omit: { tokenHash: true },
    });
    await this.audit.record(tx, actor, {
      organizationId: input.organizationId,
      action: 'member.invite',
      targetType: 'Invitation',
      targetId: invitation.id,
      details: { email: input.email, role: input.role },
    });
    return { ...invitation, url: this.linkFor(token) };
  }

  async revoke(actor: Actor, id: string, now = new Date()): Promise<InvitationView> {
    const invitation = await this.pending(actor, id, 'ADMIN');
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.invitation.update({ where: { id }, data: { revokedAt: now }, omit: { tokenHash: true } });
      await this.audit.record(tx, actor, {
        organizationId: invitation.organizationId,
        action: 'member.invitation.revoke',
        targetType: 'Invitation',
        targetId: id,
        details: { email: invitation.email, role: invitation.role },
      });
      return row;
    });
  }

  /** A new link with a fresh expiry; the old link stops working. */
  async resend(actor: Actor, id: string, now = new Date()): Promise<IssuedInvitation> {
    const invitation = await this.pending(actor, id, null);
    const token = newInvitationSecret();
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.invitation.update({
        where: { id },
        data: { tokenHash: hashSecret(token), expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) },
        omit: { tokenHash: true },
      });
      await this.audit.record(tx, actor, {
        organizationId: invitation.organizationId,
        action: 'member.invitation.resend',
        targetType: 'Invitation',
        targetId: id,
        details: { email: invitation.email, role: invitation.role },
      });
      return { ...row, url: this.linkFor(token) };
    });
  }

  /**
   * Accept: the membership is created only now. A link never sets or resets the password of an
   * existing account: its owner must be signed in as it. Throttled like sign-in.
   */
  async accept(input: AcceptInvitationInput, now = new Date()): Promise<{ userId: string; organizationId: string; role: OrgRole }> {
    const account = `invitation@${input.address}`;
    const invitation = await this.throttle.guard(account, input.address, async () => {
      const found = await this.prisma.invitation.findUnique({ where: { tokenHash: hashSecret(input.token) } });
      return found && !found.acceptedAt && !found.revokedAt && found.expiresAt > now ? found : null;
    });
    if (!invitation) throw invalidLink();
    if (input.actor && input.actor.email !== invitation.email) {
      throw forbidden('This invitation is for another email address: sign in as that account to accept it');
    }
    const passwordHash = input.actor ? null : await hashPassword(checkNewPassword(input.password ?? ''));
    try {
      return await this.prisma.$transaction(async (tx) => {
        // Claim it first: of two concurrent accepts of one link, only one passes.
        const claimed = await tx.invitation.updateMany({
          where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
        });
        if (claimed.count !== 1) throw invalidLink();
        const user = input.actor ? { id: input.actor.userId } : await this.createAccount(tx, invitation.email, passwordHash as string);
        const { organizationId, role } = invitation;
        // Already a member (an operator added them meanwhile): keep the role they have.
        await tx.membership.upsert({
          where: { userId_organizationId: { userId: user.id, organizationId } },
          create: { userId: user.id, organizationId, role },
          update: {},
        });
        const actor: Actor = input.actor ?? {
          userId: user.id,
          email: invitation.email,
          isOperator: false,
          roles: new Map(),
          label: invitation.email,
        };
        await this.audit.record(tx, actor, {
          organizationId,
          action: 'member.accept-invitation',
          targetType: 'Invitation',
          targetId: invitation.id,
          details: { email: invitation.email, role, newAccount: !input.actor },
        });
        return { userId: user.id, organizationId, role };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw signInFirst();
      throw error;
    }
  }

  private async createAccount(tx: Tx, email: string, passwordHash: string): Promise<{ id: string }> {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw signInFirst();
    return tx.user.create({ data: { email, passwordHash }, select: { id: true } });
  }

  /** A pending invitation the actor may manage (`null`: the role it grants decides, as inviting does). */
  private async pending(actor: Actor, id: string, minimum: OrgRole | null): Promise<InvitationView> {
    const row = await this.prisma.invitation.findUnique({ where: { id }, omit: { tokenHash: true } });
    const live = row && !row.acceptedAt && !row.revokedAt ? row : null;
    const invitation = requireTenantRow(actor, live, live?.organizationId, 'Invitation');
    requireOrgRole(actor, invitation.organizationId, minimum ?? (invitation.role === 'OWNER' ? 'OWNER' : 'ADMIN'));
    return invitation;
  }

  private linkFor(token: string): string {
    return `${this.publicUrl}${ACCEPT_INVITATION_PATH}#token=${token}`;
  }
}

function signInFirst(): DomainError {
  return new DomainError('CONFLICT', 'An account with this email already exists: sign in as it first, then open the invitation link again');
}
