import type { LimiterMode } from '../../db/generated/enums.js';

/** How a provider's hosted keys are rate limited (limiter modes: docs/graphql.md, setProviderLimiter), as the gateway applies it. */
export interface LimiterSetting {
  mode: LimiterMode;
  /** PER_ORGANIZATION: per organization; QUEUE: per hosted key. Null: unlimited. */
  requestsPerMinute: number | null;
  queueTimeoutMs: number;
}

/**
 * The limiter where an operator set nothing, and the queue timeout where a QUEUE setting names
 * none: the one home of these defaults (the gateway applies them, GraphQL shows them).
 */
export const DEFAULT_LIMITER: LimiterSetting = Object.freeze({ mode: 'NONE', requestsPerMinute: null, queueTimeoutMs: 10_000 });
