import type { EventSourceMessage } from 'eventsource-parser';
import { classifyHttpFailure } from '../classify-failure.js';
import { errorEvent, type FinishReason, type ProviderEvent, type UsageEvent } from '../events.js';
import { parseJson, runSseStream, type SseStreamHandler } from '../sse-stream.js';
import { messageSchema, streamEventSchema, type AnthropicUsage } from './wire-schemas.js';

const STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Anthropic's stop_reason in OpenAI's vocabulary. */
export function mapStopReason(reason: string | null | undefined): FinishReason {
  return (reason && STOP[reason]) || 'stop';
}

interface UsageTotals {
  input: number;
  cacheRead: number;
  cacheCreation: number;
  output: number;
}

function merge(totals: UsageTotals, usage: AnthropicUsage | null | undefined): UsageTotals {
  if (!usage) return totals;
  return {
    input: usage.input_tokens ?? totals.input,
    cacheRead: usage.cache_read_input_tokens ?? totals.cacheRead,
    cacheCreation: usage.cache_creation_input_tokens ?? totals.cacheCreation,
    output: usage.output_tokens ?? totals.output,
  };
}

// Anthropic's input_tokens excludes cache reads and writes; keyplane's inputTokens includes them.
function usageEvent(t: UsageTotals): UsageEvent {
  return {
    type: 'usage',
    inputTokens: t.input + t.cacheRead + t.cacheCreation,
    cachedInputTokens: t.cacheRead,
    outputTokens: t.output,
  };
}

const ZERO: UsageTotals = { input: 0, cacheRead: 0, cacheCreation: 0, output: 0 };

/** Events of a non-streaming Messages API answer. */
export function parseMessage(json: unknown): ProviderEvent[] {
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) return [errorEvent('UPSTREAM_ERROR', 'Malformed message from upstream')];
  const { id, model, content, stop_reason, usage } = parsed.data;
  const events: ProviderEvent[] = [{ type: 'start', id, model }];
  let toolIndex = 0;
  for (const block of content) {
    if (block.type === 'text' && block.text) events.push({ type: 'text-delta', text: block.text });
    if (block.type === 'tool_use') {
      events.push({
        type: 'tool-call-delta',
        index: toolIndex++,
        id: block.id,
        name: block.name,
        argumentsDelta: JSON.stringify(block.input ?? {}),
      });
    }
  }
  events.push(usageEvent(merge(ZERO, usage)));
  events.push({ type: 'finish', reason: mapStopReason(stop_reason) });
  return events;
}

const ERROR_STATUS: Record<string, number> = {
  overloaded_error: 529,
  api_error: 500,
  rate_limit_error: 429,
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  billing_error: 402,
};

function streamHandler(): SseStreamHandler {
  const toolIndexByBlock = new Map<number, number>();
  let totals = ZERO;
  let stopped = false;
  return {
    finished: () => stopped,
    onMessage(message: EventSourceMessage): ProviderEvent[] {
      const json = parseJson(message.data);
      if (!json.ok) throw new Error(`not JSON: ${message.data.slice(0, 80)}`);
      const event = streamEventSchema.parse(json.value);
      switch (event.type) {
        case 'message_start':
          totals = merge(totals, event.message.usage);
          return [{ type: 'start', id: event.message.id, model: event.message.model }, usageEvent(totals)];
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'tool_use') {
            const index = toolIndexByBlock.size;
            toolIndexByBlock.set(event.index, index);
            return [{ type: 'tool-call-delta', index, id: block.id, name: block.name, argumentsDelta: '' }];
          }
          return block.type === 'text' && block.text ? [{ type: 'text-delta', text: block.text }] : [];
        }
        case 'content_block_delta': {
          const { delta } = event;
          if (delta.type === 'text_delta' && delta.text) return [{ type: 'text-delta', text: delta.text }];
          const index = toolIndexByBlock.get(event.index);
          if (delta.type === 'input_json_delta' && index !== undefined && delta.partial_json) {
            return [{ type: 'tool-call-delta', index, argumentsDelta: delta.partial_json }];
          }
          return [];
        }
        case 'message_delta': {
          totals = merge(totals, event.usage);
          const events: ProviderEvent[] = [usageEvent(totals)];
          if (event.delta.stop_reason) events.push({ type: 'finish', reason: mapStopReason(event.delta.stop_reason) });
          return events;
        }
        case 'message_stop':
          stopped = true;
          return [];
        case 'error': {
          const type = event.error.type ?? 'api_error';
          const failure = classifyHttpFailure({
            status: ERROR_STATUS[type] ?? 500,
            message: event.error.message ?? type,
            codes: [type],
          });
          return [errorEvent(failure.failureClass, failure.message)];
        }
        default:
          return [];
      }
    },
  };
}

/** Events of a Messages API SSE body. */
export function parseMessageStream(body: AsyncIterable<Uint8Array>): AsyncIterable<ProviderEvent> {
  return runSseStream(body, streamHandler());
}
