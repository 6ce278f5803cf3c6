import type { OrgRole } from '../../../shared/domain.js';
import type { PrismaClient } from '../../db/database.js';
import type { AccessToken, Membership, User } from '../../db/generated/client.js';
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
import { normalizeEmail } from '../members/member.service.js';
import { cleanText } from '../text.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
// A placeholder hash so a sign-in for an unknown email costs the same as a wrong password.
const DUMMY_HASH = hashPassword('keyplane-timing-placeholder');

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
    return toActor(token.user, `${token.user.email} (token ${token.name})`);
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
    await this.throttle.admit(email, client.address);
    const user = await this.prisma.user.findUnique({ where: { email } });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user?.passwordHash || !ok) {
      await this.throttle.failed(email);
      throw unauthenticated('Email or password is wrong');
    }
    await this.throttle.succeeded(email);
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
   * given), end the account's sessions and lift its sign-in lock. Returns the password so the
   * operator can pass it on, once.
   */
  async setPassword(emailInput: string, chosen?: string): Promise<{ email: string; password: string; generated: boolean }> {
    const email = normalizeEmail(emailInput);
    const password = chosen === undefined ? randomBase62(20) : checkNewPassword(chosen);
    const user = await this.prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw notFound(`Account ${email}`);
    const passwordHash = await hashPassword(password);
    await this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
      await tx.session.deleteMany({ where: { userId: user.id } });
      await this.audit.record(tx, null, {
        organizationId: null,
        action: 'user.set-password',
        targetType: 'User',
        targetId: user.id,
        details: { email },
      });
    });
    await this.throttle.succeeded(email);
    return { email, password, generated: chosen === undefined };
  }

  async signOut(secret: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash: hashSecret(secret) } });
  }

  async listAccessTokens(actor: Actor): Promise<AccessTokenView[]> {
    return this.prisma.accessToken.findMany({ where: { userId: actor.userId }, omit: { tokenHash: true }, orderBy: { createdAt: 'asc' } });
  }

  /** A token acting as the caller. The secret is returned once. */
  async createAccessToken(actor: Actor, input: { name: string; expiresAt?: Date | null }, now = new Date()) {
    const name = cleanText('name', input.name);
    if (input.expiresAt && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt <= now))
      throw badInput('expiresAt must be in the future');
    return this.issueToken(actor, actor.userId, name, input.expiresAt ?? null);
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
   * operator or given a role in an organization.
   */
  async createTokenForUser(input: { email: string; name: string; operator: boolean; organization?: { id: string; role: OrgRole } }) {
    const email = normalizeEmail(input.email);
    const user = await this.prisma.user.upsert({
      where: { email },
      create: { email, isOperator: input.operator },
      update: input.operator ? { isOperator: true } : {},
    });
    if (input.organization) {
      const organizationId = input.organization.id;
      await this.prisma.membership.upsert({
        where: { userId_organizationId: { userId: user.id, organizationId } },
        create: { userId: user.id, organizationId, role: input.organization.role },
        update: { role: input.organization.role },
      });
    }
    return this.issueToken(null, user.id, input.name, null);
  }

  private async issueToken(actor: Actor | null, userId: string, name: string, expiresAt: Date | null, secret = newAccessTokenSecret()) {
    return this.prisma.$transaction(async (tx) => {
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
    });
  }

  /**
   * First start: create the operator account. With KEYPLANE_ADMIN_TOKEN, make sure an operator
   * token with exactly that value exists (idempotent, for scripts and tests).
   */
  async bootstrap(options: {
    email?: string | undefined;
    password?: string | undefined;
    token?: string | undefined;
    generatePassword: () => string;
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
        await this.issueToken(null, operator.id, 'KEYPLANE_ADMIN_TOKEN', null, options.token);
      } else if (existing.revokedAt) {
        await this.prisma.accessToken.update({ where: { id: existing.id }, data: { revokedAt: null } });
      }
    }
    return created;
  }
}

function toActor(user: User & { memberships: Membership[] }, label: string): Actor {
  return {
    userId: user.id,
    email: user.email,
    isOperator: user.isOperator,
    roles: new Map(user.memberships.map((membership) => [membership.organizationId, membership.role])),
    label,
  };
}
