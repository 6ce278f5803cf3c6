import { createHash } from 'node:crypto';
import { type KeySource, MODE_KEY_SOURCES, type ProjectMode } from '../../../shared/domain.js';
import type { HostedKeyPool } from './hosted-pool.js';
import type { PlatformKeys } from './platform-keys.js';

/** The key one provider would be called with. */
export interface KeyChoice {
  source: KeySource;
  /** Null for `hosted`: the pool picks a key for each attempt. */
  secret: string | null;
  /** What usage records and metrics name the key by: never the secret. */
  keyRef: string;
}

export interface KeyChoiceContext {
  mode: ProjectMode;
  preferStoredKeys: boolean;
  hostedEnabled: boolean;
  /** x-provider-api-key, only when the request named this provider. */
  userKey: { provider: string; secret: string } | null;
  /** The organization's stored keys by provider, decrypted. */
  byokKeys: ReadonlyMap<string, { id: string; secret: string }>;
  /** The organization's own endpoints, callable without a key when none is stored. */
  customProviders?: ReadonlySet<string> | ReadonlyMap<string, unknown>;
}

/**
 * SPEC §4 precedence for one provider — user, byok (swapped by preferStoredKeys), hosted,
 * env — limited by the project mode. Null when the mode allows no source that has a key.
 */
export function chooseKey(provider: string, ctx: KeyChoiceContext, platform: PlatformKeys, pool: HostedKeyPool): KeyChoice | null {
  const allowed = new Set(MODE_KEY_SOURCES[ctx.mode]);
  const user = (): KeyChoice | null =>
    ctx.userKey?.provider === provider ? { source: 'user', secret: ctx.userKey.secret, keyRef: userKeyRef(ctx.userKey.secret) } : null;
  const byok = (): KeyChoice | null => {
    const stored = ctx.byokKeys.get(provider);
    if (stored) return { source: 'byok', secret: stored.secret, keyRef: stored.id };
    // The organization's own server: its infrastructure, so its key source, even without a key.
    return ctx.customProviders?.has(provider) ? { source: 'byok', secret: '', keyRef: `custom:${provider}` } : null;
  };
  const hosted = (): KeyChoice | null => (ctx.hostedEnabled && pool.hasKeys(provider) ? { source: 'hosted', secret: null, keyRef: 'pool' } : null);
  const env = (): KeyChoice | null => {
    if (ctx.hostedEnabled && pool.hasKeys(provider)) return null;
    const legacy = platform.legacy(provider);
    return legacy ? { source: 'env', secret: legacy.secret, keyRef: legacy.name } : null;
  };
  const order = ctx.preferStoredKeys ? [byok, user, hosted, env] : [user, byok, hosted, env];
  for (const resolve of order) {
    const choice = resolve();
    if (choice && allowed.has(choice.source)) return choice;
  }
  return null;
}

/** A caller's key is named by a digest so its cooldown can be tracked without keeping it. */
export function userKeyRef(secret: string): string {
  return `user:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

export const isKeyed = (source: KeySource) => source === 'user' || source === 'byok';
