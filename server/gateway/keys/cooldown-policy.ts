import type { FailureClass } from '../../../shared/domain.js';

/** How long a key rests after a failure when the upstream did not say (Retry-After wins). */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 30_000;
/** Quota exhaustion lasts longer than throttling: rest the key longer. */
export const DEFAULT_QUOTA_COOLDOWN_MS = 10 * 60_000;

export type KeyVerdict = { action: 'none' } | { action: 'cooldown'; untilMs: number } | { action: 'disable'; reason: string };

/** What a failure means for the key that produced it. */
export function keyVerdict(failureClass: FailureClass, retryAfterMs: number | undefined, now: number): KeyVerdict {
  switch (failureClass) {
    case 'RATE_LIMIT':
      return { action: 'cooldown', untilMs: now + (retryAfterMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS) };
    case 'QUOTA':
      return { action: 'cooldown', untilMs: now + Math.max(retryAfterMs ?? 0, DEFAULT_QUOTA_COOLDOWN_MS) };
    case 'AUTH':
      return { action: 'disable', reason: 'The provider rejected the key (401/403)' };
    default:
      return { action: 'none' };
  }
}
