/**
 * Responses → OpenAI: the client's body goes upstream as sent (reasoning items with their
 * encrypted content, built-in tools, `store`, `include` intact), only `model` replaced; usage is
 * read from the response object, or from the `response` of the stream's final event.
 */
import { toUsageEvent, type UsageEvent } from '../../../providers/events.js';
import { parseJson } from '../../../providers/sse-stream.js';
import type { PassThrough } from '../front-door.js';

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Canonical usage of a response object's `usage` (OpenAI's input_tokens already include cached ones). */
export function usageOfResponse(response: unknown): UsageEvent | null {
  const usage = record(record(response)?.usage);
  if (!usage) return null;
  return toUsageEvent({
    inputTokens: count(usage.input_tokens),
    cachedInputTokens: count(record(usage.input_tokens_details)?.cached_tokens),
    outputTokens: count(usage.output_tokens),
    reasoningTokens: count(record(usage.output_tokens_details)?.reasoning_tokens),
  });
}

/** Final stream events carry the whole response, usage included. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export const responsesPassThrough: PassThrough = {
  adapterKind: 'openai',
  // OpenAI's base URL already ends in /v1.
  path: '/responses',
  forwardHeaders: ['openai-beta'],
  prepareBody: (body, upstreamModel) => ({ ...body, model: upstreamModel }),
  usageFromJson: usageOfResponse,
  usageFromStreamEvent(event, data) {
    const json = parseJson(data);
    const payload = json.ok ? record(json.value) : null;
    const type = typeof payload?.type === 'string' ? payload.type : event;
    return type && FINAL_EVENTS.has(type) ? usageOfResponse(payload?.response) : null;
  },
};
