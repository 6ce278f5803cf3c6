/**
 * Messages → Anthropic: the client's body goes upstream as sent (thinking blocks, signatures,
 * cache_control and betas intact), only `model` replaced, and usage is read from the answer.
 */

import { parseMessage } from '../../../providers/anthropic/parse-response.js';
import type { UsageEvent } from '../../../providers/events.js';
import type { PassThrough } from '../front-door.js';
import { record, streamEventJson, textLength } from '../stream-event-json.js';

type Usage = Record<string, unknown>;

/** Canonical usage for one Anthropic usage object, by the adapter's own rules (cache tokens counted into input). */
function usageEvent(usage: Usage): UsageEvent | null {
  return parseMessage({ content: [], usage }).find((event): event is UsageEvent => event.type === 'usage') ?? null;
}

/** The usage object a stream event carries: `message_start.message.usage` or `message_delta.usage`. */
function streamUsage(data: string): Usage | null {
  const event = streamEventJson(data);
  if (event?.type === 'message_start') return record(record(event.message)?.usage);
  if (event?.type === 'message_delta') return record(event.usage);
  return null;
}

/**
 * The answer's characters in one stream event, as the adapter's events count them: text,
 * thinking, a tool's name and its input JSON (signatures and redacted thinking are not text).
 */
function streamOutputChars(data: string): number {
  const event = streamEventJson(data);
  if (event?.type === 'content_block_delta') {
    const delta = record(event.delta);
    return textLength(delta?.text) + textLength(delta?.thinking) + textLength(delta?.partial_json);
  }
  if (event?.type !== 'content_block_start') return 0;
  const block = record(event.content_block);
  if (block?.type === 'tool_use') return textLength(block.name);
  return block?.type === 'text' ? textLength(block.text) : block?.type === 'thinking' ? textLength(block.thinking) : 0;
}

// Later events repeat or extend earlier counts (message_delta's are cumulative); absent or null ones keep the earlier value.
function mergeUsage(into: Usage, next: Usage): Usage {
  const merged = { ...into };
  for (const [key, value] of Object.entries(next)) if (value != null) merged[key] = value;
  return merged;
}

export const messagesPassThrough: PassThrough = {
  adapterKind: 'anthropic',
  path: '/v1/messages',
  forwardHeaders: ['anthropic-version', 'anthropic-beta'],
  prepareBody: (body, upstreamModel) => ({ ...body, model: upstreamModel }),
  usageFromJson(json) {
    const usage = record(record(json)?.usage);
    return usage ? usageEvent(usage) : null;
  },
  usageFromStreamEvent(_event, data) {
    const usage = streamUsage(data);
    return usage ? usageEvent(usage) : null;
  },
  createStreamUsageReader() {
    let totals: Usage = {};
    return (_event, data) => {
      const usage = streamUsage(data);
      if (!usage) return null;
      totals = mergeUsage(totals, usage);
      return usageEvent(totals);
    };
  },
  outputCharsOfStreamEvent: (_event, data) => streamOutputChars(data),
  streamEnd(event, data) {
    // Anthropic names every event (`event: message_stop`); a proxy may send its data alone.
    const type = event ?? streamEventJson(data)?.type;
    return type === 'message_stop' ? 'complete' : type === 'error' ? 'error' : null;
  },
  webSearchesOfStreamEvent(_event, data) {
    const event = streamEventJson(data);
    if (event?.type !== 'content_block_start') return 0;
    const block = record(event.content_block);
    return block?.type === 'server_tool_use' && block.name === 'web_search' ? 1 : 0;
  },
};
