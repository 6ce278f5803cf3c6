import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.js';
import { unauthenticated } from '../domain/errors.js';
import type { Services } from '../domain/services.js';

export const SESSION_COOKIE = 'kp_session';

/**
 * The caller of a control-plane request: a bearer access token (tools) or the dashboard's
 * session cookie. No credentials → null (public fields only); bad credentials → an error,
 * so a typo in a token is not mistaken for an anonymous request.
 */
export async function resolveActor(request: FastifyRequest, services: Services): Promise<Actor | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthenticated('Authorization must be "Bearer <access token>"');
    const actor = await services.auth.actorForAccessToken(match[1]);
    if (!actor) throw unauthenticated('The access token is invalid, expired or revoked');
    return actor;
  }
  const session = request.cookies[SESSION_COOKIE];
  if (session) return services.auth.actorForSession(session);
  return null;
}
