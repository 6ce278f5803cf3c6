/**
 * Pure-policy test set-up: platform keys from a literal env, the in-memory state store and a
 * hosted pool on one fake clock. No server, no database.
 */
import { HostedKeyPool } from '../../../server/gateway/keys/hosted-pool.js';
import { PlatformKeys } from '../../../server/gateway/keys/platform-keys.js';
import { MemoryStateStore } from '../../../server/state/memory-state.js';

export const PROVIDERS = [
  { id: 'openai', envPrefix: 'OPENAI' },
  { id: 'anthropic', envPrefix: 'ANTHROPIC' },
  { id: 'google', envPrefix: 'GOOGLE' },
];

/** A clock tests move by hand. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function policyWorld(env: Record<string, string>, clock: FakeClock = fakeClock()) {
  const platform = new PlatformKeys(PROVIDERS, env);
  const state = new MemoryStateStore(clock.now);
  const pool = new HostedKeyPool(platform, state, clock.now);
  return { platform, state, pool, clock };
}
