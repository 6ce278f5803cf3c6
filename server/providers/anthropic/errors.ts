import type { UpstreamErrorResponse } from '../adapter.js';
import { type ClassifiedFailure, classifyHttpFailure } from '../classify-failure.js';
import { bodyExcerpt, errorBodyValue } from '../sse-stream.js';
import { anthropicErrorSchema } from './wire-schemas.js';

/** Classify `{"type":"error","error":{"type":"rate_limit_error","message":"…"}}`. */
export function classifyAnthropicError(response: UpstreamErrorResponse): ClassifiedFailure {
  const value = errorBodyValue(response.body);
  const error =
    typeof value === 'object' && value !== null ? anthropicErrorSchema.safeParse((value as { error?: unknown }).error) : undefined;
  const fields = error?.success ? error.data : {};
  return classifyHttpFailure({
    status: response.status,
    message: fields.message ?? bodyExcerpt(value),
    codes: [fields.type],
    headers: response.headers,
  });
}
