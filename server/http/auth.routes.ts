import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { NewSession } from '../domain/auth/auth.service.js';
import { DomainError, RateLimitedError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { resolveActor, SESSION_COOKIE } from './authenticate.js';

const signInBody = z.object({ email: z.string().max(254), password: z.string().max(200) });
const acceptBody = z.object({ token: z.string().min(1).max(200), password: z.string().max(200).optional() });

/**
 * Dashboard sign-in (email + password) and invitation acceptance → httpOnly, SameSite=Strict
 * session cookie, `Secure` when KEYPLANE_PUBLIC_URL is https.
 */
export function registerAuthRoutes(app: FastifyInstance, services: Services, options: { secureCookies: boolean }): void {
  const startSession = (reply: FastifyReply, session: NewSession) =>
    reply.setCookie(SESSION_COOKIE, session.secret, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: options.secureCookies,
      expires: session.expiresAt,
    });

  app.post('/auth/sign-in', async (request, reply) => {
    const body = signInBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: { message: 'Send JSON {"email","password"}', code: 'BAD_USER_INPUT' } });
    try {
      startSession(reply, await services.auth.signIn(body.data.email, body.data.password, { address: request.ip }));
      return { ok: true };
    } catch (error) {
      return sendDomainError(reply, error);
    }
  });

  /**
   * New user: {token, password} creates the account and signs in. Existing user: {token} while
   * signed in as the invited account. A link never sets an existing account's password.
   */
  app.post('/auth/accept-invitation', async (request, reply) => {
    const body = acceptBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: { message: 'Send JSON {"token","password"}', code: 'BAD_USER_INPUT' } });
    try {
      const actor = await resolveActor(request, services);
      const accepted = await services.invitations.accept({
        token: body.data.token,
        actor,
        password: body.data.password ?? null,
        address: request.ip,
      });
      if (!actor) startSession(reply, await services.auth.startSession(accepted.userId));
      return { ok: true, organizationId: accepted.organizationId, role: accepted.role };
    } catch (error) {
      return sendDomainError(reply, error);
    }
  });

  app.post('/auth/sign-out', async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE];
    if (secret) await services.auth.signOut(secret);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
}

function sendDomainError(reply: FastifyReply, error: unknown) {
  if (!(error instanceof DomainError)) throw error;
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.httpStatus).send({ error: { message: error.message, code: error.code } });
}
