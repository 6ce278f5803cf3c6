/** Attempts per delivery before it is marked FAILED: with the default 5 s base, the last is ~21 minutes after the first. */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** No wait between attempts is longer than this. */
const MAX_DELAY_MS = 3_600_000;

/**
 * How long to wait after failed attempt `attempt` (1 for the first): exponential from `baseMs`,
 * with ±25 % jitter so receivers that come back are not hit by every sender at once.
 */
export function retryDelayMs(attempt: number, baseMs: number, random = Math.random()): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(attempt - 1, 0), MAX_DELAY_MS);
  return Math.round(exponential * (0.75 + random * 0.5));
}
