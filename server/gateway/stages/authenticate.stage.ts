import type { ConfigChanges } from '../../db/config-changes.js';
import { hashSecret } from '../../secrets/tokens.js';
import { REQUEST_PATH_CACHE, RefreshAheadCache } from '../../state/refresh-ahead-cache.js';
import { GatewayError } from '../gateway-error.js';
import type { KeyLookups } from '../keys/key-lookups.js';
import type { GatewayIdentity } from '../request-context.js';

/** The request headers a gateway key may come in. */
export interface GatewayKeyHeaders {
  authorization?: string;
  'x-api-key'?: string | string[];
}

/**
 * `Authorization: Bearer kp_…` (OpenAI clients, `ANTHROPIC_AUTH_TOKEN`) or `x-api-key: kp_…`
 * (`ANTHROPIC_API_KEY`): the same key either way. A Bearer header that is present decides.
 */
function gatewayKeySecret(headers: GatewayKeyHeaders): string | undefined {
  if (headers.authorization) return /^Bearer\s+(kp_[A-Za-z0-9]+)\s*$/i.exec(headers.authorization)?.[1];
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' ? /^\s*(kp_[A-Za-z0-9]+)\s*$/.exec(apiKey)?.[1] : undefined;
}

/**
 * Bearer kp_… or x-api-key kp_… → the key, its project and organization. Lookups are cached
 * (REQUEST_PATH_CACHE, or until a change is announced), which bounds how long a revocation or
 * mode change takes to apply.
 */
export class GatewayAuthenticator {
  private readonly cache: RefreshAheadCache<GatewayIdentity | 'unknown'>;

  constructor(
    private readonly keys: KeyLookups,
    changes?: ConfigChanges,
  ) {
    this.cache = new RefreshAheadCache((hash) => this.load(hash), {
      max: 50_000,
      // Anyone can send random keys: the answers 'unknown' push out only each other.
      maxUnowned: 10_000,
      ...REQUEST_PATH_CACHE,
      changes,
      // An unknown key is no organization's: any announced change (a new key) drops it.
      organizationOf: (_hash, identity) => (identity === 'unknown' ? null : identity.organizationId),
    });
  }

  async authenticate(headers: GatewayKeyHeaders, now = new Date()): Promise<GatewayIdentity> {
    const secret = gatewayKeySecret(headers);
    if (!secret)
      throw new GatewayError(
        'UNAUTHENTICATED',
        'invalid_api_key',
        'Send a gateway key as "Authorization: Bearer kp_…" or "x-api-key: kp_…"',
      );
    const identity = await this.cache.get(hashSecret(secret));
    if (identity === 'unknown') throw new GatewayError('UNAUTHENTICATED', 'invalid_api_key', 'The gateway key is not valid');
    if (identity.revokedAt && identity.revokedAt <= now)
      throw new GatewayError('UNAUTHENTICATED', 'revoked_api_key', 'The gateway key has been revoked');
    if (identity.expiresAt && identity.expiresAt <= now)
      throw new GatewayError('UNAUTHENTICATED', 'expired_api_key', 'The gateway key has expired');
    return identity;
  }

  private async load(hash: string): Promise<GatewayIdentity | 'unknown'> {
    const row = await this.keys.find(hash);
    if (!row) return 'unknown';
    const { id, ...identity } = row;
    return { gatewayKeyId: id, ...identity };
  }
}

/** Authentications started from a request's headers before its body was read, by request. */
const startedEarly = new WeakMap<object, Promise<GatewayIdentity>>();

/**
 * Authenticates `request` from its headers alone, before its body is read (an onRequest hook),
 * and keeps the answer for `authenticated`: a refused key is answered without reading, let alone
 * parsing, a body that may be megabytes of JSON.
 */
export function authenticateEarly(authenticator: GatewayAuthenticator, request: { headers: GatewayKeyHeaders }): Promise<GatewayIdentity> {
  const identity = authenticator.authenticate(request.headers);
  // A refusal is taken up by whoever answers it (`authenticated`), not left unhandled here.
  identity.catch(() => undefined);
  startedEarly.set(request, identity);
  return identity;
}

/** The request's identity: what `authenticateEarly` found for it, or found now. */
export function authenticated(authenticator: GatewayAuthenticator, request: { headers: GatewayKeyHeaders }): Promise<GatewayIdentity> {
  return startedEarly.get(request) ?? authenticator.authenticate(request.headers);
}
