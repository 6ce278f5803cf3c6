import { type KeySource, MODE_KEY_SOURCES, type ProjectMode } from '../../../shared/domain.js';
import { customProviderStateName, storedKeyStateName } from '../../state/key-state-names.js';
import type { HostedKeyPool } from './hosted-pool.js';
import type { PlatformKeys } from './platform-keys.js';

/** The key one provider would be called with. */
export interface KeyChoice {
  source: KeySource;
  /** Null for `hosted`: the pool picks a key for each attempt. */
  secret: string | null;
  /** What usage records and metrics name the key by: never the secret. */
  keyRef: string;
  /** Where its cooldown and disabled state live; null for `hosted` (each pool key has its own). */
  stateKey: string | null;
}

export interface KeyChoiceContext {
  /** The organization calling: its keys' state is its own. */
  organizationId: string;
  mode: ProjectMode;
  preferStoredKeys: boolean;
  hostedEnabled: boolean;
  /** x-provider-api-key, only when the request named this provider, with its keyed-hash reference. */
  userKey: { provider: string; secret: string; keyRef: string } | null;
  /** The organization's stored keys by provider, decrypted. */
  byokKeys: ReadonlyMap<string, { id: string; secret: string }>;
  /** The organization's own endpoints, callable without a key when none is stored. */
  customProviders?: ReadonlySet<string> | ReadonlyMap<string, unknown>;
}

/**
 * Key precedence for one provider (docs/api.md, key sources) — user, byok (swapped by preferStoredKeys), hosted,
 * env — limited by the project mode. Null when the mode allows no source that has a key.
 */
export function chooseKey(
  provider: string,
  ctx: KeyChoiceContext,
  platform: Pick<PlatformKeys, 'legacy'>,
  pool: Pick<HostedKeyPool, 'hasKeys'>,
): KeyChoice | null {
  const allowed = new Set(MODE_KEY_SOURCES[ctx.mode]);
  const user = (): KeyChoice | null => {
    if (ctx.userKey?.provider !== provider) return null;
    const { keyRef } = ctx.userKey;
    return { source: 'user', secret: ctx.userKey.secret, keyRef, stateKey: keyRef };
  };
  const byok = (): KeyChoice | null => {
    const stored = ctx.byokKeys.get(provider);
    if (stored)
      return { source: 'byok', secret: stored.secret, keyRef: stored.id, stateKey: storedKeyStateName(ctx.organizationId, stored.id) };
    // The organization's own server: its infrastructure, so its key source, even without a key.
    if (!ctx.customProviders?.has(provider)) return null;
    return { source: 'byok', secret: '', keyRef: `custom:${provider}`, stateKey: customProviderStateName(ctx.organizationId, provider) };
  };
  const hosted = (): KeyChoice | null =>
    ctx.hostedEnabled && pool.hasKeys(provider) ? { source: 'hosted', secret: null, keyRef: 'pool', stateKey: null } : null;
  const env = (): KeyChoice | null => {
    if (ctx.hostedEnabled && pool.hasKeys(provider)) return null;
    const legacy = platform.legacy(provider);
    return legacy ? { source: 'env', secret: legacy.secret, keyRef: legacy.name, stateKey: legacy.name } : null;
  };
  const order = ctx.preferStoredKeys ? [byok, user, hosted, env] : [user, byok, hosted, env];
  for (const resolve of order) {
    const choice = resolve();
    if (choice && allowed.has(choice.source)) return choice;
  }
  return null;
}

export const isKeyed = (source: KeySource) => source === 'user' || source === 'byok';
