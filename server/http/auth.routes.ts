import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { SESSION_COOKIE } from './authenticate.js';

const signInBody = z.object({ email: z.string().max(254), password: z.string().max(200) });

/** Dashboard sign-in: email + password → httpOnly, SameSite=Strict session cookie. */
export function registerAuthRoutes(app: FastifyInstance, services: Services, options: { secureCookies: boolean }): void {
  app.post('/auth/sign-in', async (request, reply) => {
    const body = signInBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: { message: 'Send JSON {"email","password"}', code: 'BAD_USER_INPUT' } });
    try {
      const session = await services.auth.signIn(body.data.email, body.data.password);
      reply.setCookie(SESSION_COOKIE, session.secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        expires: session.expiresAt,
      });
      return { ok: true };
    } catch (error) {
      if (error instanceof DomainError) return reply.code(error.httpStatus).send({ error: { message: error.message, code: error.code } });
      throw error;
    }
  });

  app.post('/auth/sign-out', async (request, reply) => {
    const secret = request.cookies[SESSION_COOKIE];
    if (secret) await services.auth.signOut(secret);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
}
