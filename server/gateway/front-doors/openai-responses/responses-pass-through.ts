/**
 * Responses → OpenAI: the client's body goes upstream as sent (reasoning items with their
 * encrypted content, built-in tools, `store`, `include` intact), only `model` replaced; usage is
 * read from the response object, or from the `response` of the stream's final event.
 */
import { toUsageEvent, type UsageEvent } from '../../../providers/events.js';
import type { PassThrough } from '../front-door.js';
import { record, streamEventJson, textLength } from '../stream-event-json.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Web searches the response ran: its `web_search_call` output items (OpenAI bills each; usage does not count them). */
function webSearchCalls(output: unknown): number {
  if (!Array.isArray(output)) return 0;
  let calls = 0;
  for (const item of output) if (record(item)?.type === 'web_search_call') calls += 1;
  return calls;
}

/** Canonical usage of a response object's `usage` (OpenAI's input_tokens already include cached ones), with its web searches. */
export function usageOfResponse(response: unknown): UsageEvent | null {
  const usage = record(record(response)?.usage);
  if (!usage) return null;
  return toUsageEvent({
    inputTokens: count(usage.input_tokens),
    cachedInputTokens: count(record(usage.input_tokens_details)?.cached_tokens),
    outputTokens: count(usage.output_tokens),
    reasoningTokens: count(record(usage.output_tokens_details)?.reasoning_tokens),
    webSearches: webSearchCalls(record(response)?.output),
  });
}

/** Final stream events carry the whole response, usage included. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Events whose `delta` is more of the answer: text, refusal, reasoning, a tool call's arguments or input. */
const OUTPUT_DELTAS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
]);

/** The type of a stream event: its payload's `type`, or the SSE event name. */
function eventType(event: string | undefined, payload: Record<string, unknown> | null): string | undefined {
  return typeof payload?.type === 'string' ? payload.type : event;
}

/** The answer's characters in one stream event, as the adapter's events count them (a tool call's name with its arguments). */
function streamOutputChars(event: string | undefined, data: string): number {
  const payload = streamEventJson(data);
  const type = eventType(event, payload);
  if (type && OUTPUT_DELTAS.has(type)) return textLength(payload?.delta);
  if (type !== 'response.output_item.added') return 0;
  const item = record(payload?.item);
  return item?.type === 'function_call' || item?.type === 'custom_tool_call' ? textLength(item.name) : 0;
}

export const responsesPassThrough: PassThrough = {
  adapterKind: 'openai',
  // OpenAI's base URL already ends in /v1.
  path: '/responses',
  forwardHeaders: ['openai-beta'],
  prepareBody: (body, upstreamModel) => ({ ...body, model: upstreamModel }),
  usageFromJson: usageOfResponse,
  usageFromStreamEvent(event, data) {
    const payload = streamEventJson(data);
    const type = eventType(event, payload);
    return type && FINAL_EVENTS.has(type) ? usageOfResponse(payload?.response) : null;
  },
  outputCharsOfStreamEvent: streamOutputChars,
  streamEnd(event, data) {
    const type = eventType(event, streamEventJson(data));
    return type === 'error' ? 'error' : type !== undefined && FINAL_EVENTS.has(type) ? 'complete' : null;
  },
  webSearchesOfStreamEvent(event, data) {
    const payload = streamEventJson(data);
    if (eventType(event, payload) !== 'response.output_item.done') return 0;
    return record(payload?.item)?.type === 'web_search_call' ? 1 : 0;
  },
};
