import type { OrgRole } from '../../../shared/domain.js';
import type { PrismaClient } from '../../db/database.js';
import type { AccessToken, Membership, Prisma, User } from '../../db/generated/client.js';
import {
  hashPassword,
  hashSecret,
  newAccessTokenSecret,
  newSessionSecret,
  randomBase62,
  secretPrefix,
  verifyPassword,
} from '../../secrets/tokens.js';
import type { Actor } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound, unauthenticated } from '../errors.js';
import { assertAnotherOwner, lockOrganizationMembers, normalizeEmail } from '../members/member.service.js';
import { cleanText } from '../text.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
// A placeholder hash so a sign-in for an unknown email costs the same as a wrong password.
const DUMMY_HASH = hashPassword('keyplane-timing-placeholder');

type Tx = Prisma.TransactionClient;

export type AccessTokenView = Omit<AccessToken, 'tokenHash'>;
export interface NewSession {
  secret: string;
  expiresAt: Date;
}

/** Passwords people choose (sign-up by invitation) and operators set. */
export function checkNewPassword(password: string): string {
  if (password.length < 8) throw badInput('password must be at least 8 characters');
  if (password.length > 200) throw badInput('password must be at most 200 characters');
  return password;
}

export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly throttle: SignInThrottle,
  ) {}

  async actorForAccessToken(secret: string, now = new Date()): Promise<Actor | null> {
    const token = await this.prisma.accessToken.findUnique({
      where: { tokenHash: hashSecret(secret) },
      include: { user: { include: { memberships: true } } },
    });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
    // Last use is informational: refresh it at most once a minute, off the request path.
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      void this.prisma.accessToken.update({ where: { id: token.id }, data: { lastUsedAt: now } }).catch(() => {});
    }
    return toActor(token.user, `${token.user.email} (token ${token.name})`, { id: token.id, expiresAt: token.expiresAt });
  }

  async actorForSession(secret: string, now = new Date()): Promise<Actor | null> {
    const session = await this.prisma.session.findUnique({
      where: { tokenHash: hashSecret(secret) },
      include: { user: { include: { memberships: true } } },
    });
    if (!session || session.expiresAt <= now) return null;
    return toActor(session.user, session.user.email);
  }

  /**
   * Email + password → a new session secret (for the httpOnly cookie). Throttled per email and
   * per client address; unknown emails count and answer exactly like known ones.
   */
  async signIn(emailInput: string, password: string, client: { address: string }, now = new Date()): Promise<NewSession> {
    const email = emailInput.trim().toLowerCase();
    const user = await this.throttle.guard(email, client.address, async () => {
      const found = await this.prisma.user.findUnique({ where: { email } });
      const ok = await verifyPassword(password, found?.passwordHash ?? (await DUMMY_HASH));
      return found?.passwordHash && ok ? found : null;
    });
    if (!user) throw unauthenticated('Email or password is wrong');
    return this.startSession(user.id, now);
  }

  async startSession(userId: string, now = new Date()): Promise<NewSession> {
    const secret = newSessionSecret();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.prisma.session.create({ data: { userId, tokenHash: hashSecret(secret), expiresAt } });
    await this.prisma.session.deleteMany({ where: { userId, expiresAt: { lte: now } } });
    return { secret, expiresAt };
  }

  /**
   * For operator tools (CLI reset-password, seed-demo): set a password (generated when none is
   * given), end the account's sessions, revoke its access tokens and lift its sign-in lock. A
   * reset takes an account back, so nothing minted before it (by whoever had the old password)
   * may outlive it. Returns the password so the operator can pass it on, once.
   */
  async setPassword(
    emailInput: string,
    chosen?: string,
    now = new Date(),
  ): Promise<{ email: string; password: string; generated: boolean; revokedAccessTokens: number }> {
    const email = normalizeEmail(emailInput);
    const password = chosen === undefined ? randomBase62(20) : checkNewPassword(chosen);
    const user = await this.prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw notFound(`Account ${email}`);
    const passwordHash = await hashPassword(password);
    const revokedAccessTokens = await this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
      await tx.session.deleteMany({ where: { userId: user.id } });
      const revoked = await tx.accessToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
      await this.audit.record(tx, null, {
        organizationId: null,
        action: 'user.set-password',
        targetType: 'User',
        targetId: user.id,
        details: { email, revokedAccessTokens: revoked.count },
      });
      return revoked.count;
    });
    await this.throttle.succeeded(email);
    return { email, password, generated: chosen === undefined, revokedAccessTokens };
  }

  async signOut(secret: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash: hashSecret(secret) } });
  }

  async listAccessTokens(actor: Actor): Promise<AccessTokenView[]> {
    return this.prisma.accessToken.findMany({ where: { userId: actor.userId }, omit: { tokenHash: true }, orderBy: { createdAt: 'asc' } });
  }

  /**
   * A token acting as the caller. The secret is returned once. Made with an access token that
   * expires, it expires no later, or an expiring token could mint a lasting one: without
   * `expiresAt` it takes the caller's expiry, and a later `expiresAt` is refused rather than
   * quietly shortened.
   */
  async createAccessToken(actor: Actor, input: { name: string; expiresAt?: Date | null }, now = new Date()) {
    const name = cleanText('name', input.name);
    if (input.expiresAt && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt <= now))
      throw badInput('expiresAt must be in the future');
    const latest = actor.accessToken?.expiresAt ?? null;
    if (latest && input.expiresAt && input.expiresAt > latest) {
      throw badInput(
        `expiresAt must not be later than ${latest.toISOString()}, when the access token you are using expires; leave it out to take that expiry`,
      );
    }
    const expiresAt = input.expiresAt ?? latest;
    return this.prisma.$transaction((tx) => this.issueToken(tx, actor, actor.userId, name, expiresAt));
  }

  async revokeAccessToken(actor: Actor, id: string, now = new Date()): Promise<AccessTokenView> {
    const token = await this.prisma.accessToken.findUnique({ where: { id }, omit: { tokenHash: true } });
    if (!token || (token.userId !== actor.userId && !actor.isOperator)) throw notFound('Access token');
    if (token.revokedAt) return token;
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.accessToken.update({ where: { id }, data: { revokedAt: now }, omit: { tokenHash: true } });
      await this.audit.record(tx, actor, {
        organizationId: null,
        action: 'access-token.revoke',
        targetType: 'AccessToken',
        targetId: id,
        details: { name: row.name, prefix: row.prefix },
      });
      return row;
    });
  }

  /**
   * For the CLI: a token for the user with this email (created if missing), optionally made an
   * operator or given a role in an organization. The operator is trusted, but these changes are
   * audited like any other, and the organization keeps its last OWNER.
   */
  async createTokenForUser(input: { email: string; name: string; operator: boolean; organization?: { id: string; role: OrgRole } }) {
    const email = normalizeEmail(input.email);
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.user.findUnique({ where: { email }, select: { isOperator: true } });
      const user = await tx.user.upsert({
        where: { email },
        create: { email, isOperator: input.operator },
        update: input.operator ? { isOperator: true } : {},
      });
      if (input.operator && !before?.isOperator) {
        await this.audit.record(tx, null, {
          organizationId: null,
          action: 'user.grant-operator',
          targetType: 'User',
          targetId: user.id,
          details: { email },
        });
      }
      if (input.organization) await this.setRoleDirectly(tx, { id: user.id, email }, input.organization.id, input.organization.role);
      return this.issueToken(tx, null, user.id, input.name, null);
    });
  }

  /** The CLI's membership change, without an invitation: the same lock and last-OWNER rule as MemberService. */
  private async setRoleDirectly(tx: Tx, user: { id: string; email: string }, organizationId: string, role: OrgRole): Promise<void> {
    await lockOrganizationMembers(tx, organizationId);
    const where = { userId_organizationId: { userId: user.id, organizationId } };
    const existing = await tx.membership.findUnique({ where, select: { role: true } });
    if (existing?.role === role) return;
    if (existing?.role === 'OWNER') await assertAnotherOwner(tx, organizationId, user.id);
    await tx.membership.upsert({ where, create: { userId: user.id, organizationId, role }, update: { role } });
    await this.audit.record(tx, null, {
      organizationId,
      action: existing ? 'member.change-role' : 'member.add',
      targetType: 'User',
      targetId: user.id,
      details: existing ? { email: user.email, role, previousRole: existing.role } : { email: user.email, role },
    });
  }

  private async issueToken(
    tx: Tx,
    actor: Actor | null,
    userId: string,
    name: string,
    expiresAt: Date | null,
    secret = newAccessTokenSecret(),
  ) {
    const token = await tx.accessToken.create({
      // A token chosen through the environment may be short: show none of it.
      data: {
        userId,
        name,
        tokenHash: hashSecret(secret),
        prefix: secret.startsWith('kpat_') ? secretPrefix(secret) : '(env)',
        expiresAt,
      },
      omit: { tokenHash: true },
    });
    await this.audit.record(tx, actor, {
      organizationId: null,
      action: 'access-token.create',
      targetType: 'AccessToken',
      targetId: token.id,
      details: { name, prefix: token.prefix, userId },
    });
    return { token, secret };
  }

  /**
   * First start: create the operator account. With KEYPLANE_ADMIN_TOKEN, make sure an operator
   * token with exactly that value exists (idempotent, for scripts and tests). One that was
   * revoked stays revoked, or a restart would bring back a token an operator retired (leaked,
   * or ended by a password reset): `warn` says a new value must be configured.
   */
  async bootstrap(options: {
    email?: string | undefined;
    password?: string | undefined;
    token?: string | undefined;
    generatePassword: () => string;
    warn?: (message: string) => void;
  }) {
    const email = (options.email ?? 'admin@keyplane.local').toLowerCase();
    let created: { email: string; password: string; generated: boolean } | null = null;
    if ((await this.prisma.user.count()) === 0) {
      const password = options.password ?? options.generatePassword();
      await this.prisma.user.create({ data: { email, passwordHash: await hashPassword(password), isOperator: true } });
      created = { email, password, generated: options.password === undefined };
    } else if (options.email && options.password) {
      // Explicit credentials in the environment are authoritative for that account.
      await this.prisma.user.upsert({
        where: { email },
        create: { email, passwordHash: await hashPassword(options.password), isOperator: true },
        update: { passwordHash: await hashPassword(options.password), isOperator: true },
      });
    }
    if (options.token) {
      const tokenHash = hashSecret(options.token);
      const existing = await this.prisma.accessToken.findUnique({ where: { tokenHash }, select: { id: true, revokedAt: true } });
      if (!existing) {
        const operator = await this.prisma.user.findFirst({ where: { isOperator: true }, orderBy: { createdAt: 'asc' } });
        if (!operator) throw new Error('No operator account to attach KEYPLANE_ADMIN_TOKEN to');
        const token = options.token;
        await this.prisma.$transaction((tx) => this.issueToken(tx, null, operator.id, 'KEYPLANE_ADMIN_TOKEN', null, token));
      } else if (existing.revokedAt) {
        options.warn?.(
          `KEYPLANE_ADMIN_TOKEN is set to an access token that was revoked on ${existing.revokedAt.toISOString()}; it stays revoked. Set KEYPLANE_ADMIN_TOKEN to a new value, or unset it.`,
        );
      }
    }
    return created;
  }
}

function toActor(user: User & { memberships: Membership[] }, label: string, accessToken?: Actor['accessToken']): Actor {
  return {
    userId: user.id,
    email: user.email,
    isOperator: user.isOperator,
    roles: new Map(user.memberships.map((membership) => [membership.organizationId, membership.role])),
    label,
    ...(accessToken ? { accessToken } : {}),
  };
}
