import type { Config } from './config.js';
import { PlatformKeys } from './gateway/keys/platform-keys.js';
import type { Logger } from './observability/logger.js';
import { listProviders } from './providers/registry.js';
import { MemoryStateStore } from './state/memory-state.js';
import { RedisStateStore } from './state/redis-state.js';
import type { StateStore } from './state/state-store.js';

/** Process-wide pieces built from the environment: shared state and the platform's own keys. */
export interface Platform {
  state: StateStore;
  platformKeys: PlatformKeys;
  /** Hosted pool key names by provider (no secrets), for the control plane. */
  hostedKeyNames: Map<string, string[]>;
  /** The legacy `<P>_API_KEY` name by provider, where one is set (no secrets). */
  envKeyNames: Map<string, string>;
}

export function createPlatform(config: Config, logger: Logger): Platform {
  const platformKeys = new PlatformKeys(listProviders(), config.env);
  const hostedKeyNames = new Map(listProviders().map(({ id }) => [id, platformKeys.pool(id).map((key) => key.name)]));
  const envKeyNames = new Map(platformKeys.allLegacyKeys().map((key) => [key.provider, key.name]));
  const state = config.redisUrl ? new RedisStateStore(config.redisUrl, logger, config.redisKeyPrefix) : new MemoryStateStore();
  return { state, platformKeys, hostedKeyNames, envKeyNames };
}
