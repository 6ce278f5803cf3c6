import type { UpstreamErrorResponse } from '../adapter.js';
import { type ClassifiedFailure, classifyHttpFailure, parseDurationMs } from '../classify-failure.js';
import { bodyExcerpt, errorBodyValue } from '../sse-stream.js';
import { googleErrorSchema } from './wire-schemas.js';

/**
 * Classify `{"error":{"code","message","status","details":[…]}}`. Gemini answers
 * a bad key with 400 API_KEY_INVALID, and every 429 message mentions "quota",
 * so the details decide: per-day quotas are QUOTA, the rest RATE_LIMIT.
 */
export function classifyGoogleError(response: UpstreamErrorResponse): ClassifiedFailure {
  const value = errorBodyValue(response.body);
  const parsed =
    typeof value === 'object' && value !== null ? googleErrorSchema.safeParse((value as { error?: unknown }).error) : undefined;
  const error = parsed?.success ? parsed.data : {};
  const details = error.details ?? [];
  const reasons = details.map((d) => d.reason);
  const quotaIds = details.flatMap((d) => d.violations ?? []).map((v) => v.quotaId ?? '');
  let status = response.status;
  if (reasons.includes('API_KEY_INVALID') || error.status === 'UNAUTHENTICATED') status = 401;
  const codes: (string | undefined)[] = [error.status, ...reasons];
  if (status === 429) codes.push(quotaIds.some((id) => /PerDay/i.test(id)) ? 'insufficient_quota' : 'rate_limit_exceeded');
  return classifyHttpFailure({
    status,
    message: error.message ?? bodyExcerpt(value),
    codes,
    headers: response.headers,
    bodyRetryAfterMs: details.map((d) => parseDurationMs(d.retryDelay)).find((ms) => ms !== undefined),
  });
}
