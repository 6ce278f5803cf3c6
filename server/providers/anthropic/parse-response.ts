import type { EventSourceMessage } from 'eventsource-parser';
import { classifyHttpFailure } from '../classify-failure.js';
import { errorEvent, type FinishReason, type ProviderEvent, toUsageEvent, type UsageEvent } from '../events.js';
import { parseJson, runSseStream, type SseStreamHandler } from '../sse-stream.js';
import { STRUCTURED_OUTPUT_TOOL } from './structured-output.js';
import { type AnthropicUsage, messageSchema, streamEventSchema } from './wire-schemas.js';

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
function mapStopReason(reason: string | null | undefined): FinishReason {
  return (reason && STOP[reason]) || 'stop';
}

/** A stop for the structured-output tool alone is the answer being complete, not a tool call. */
function finishReason(reason: string | null | undefined, onlyStructuredOutput: boolean): FinishReason {
  return reason === 'tool_use' && onlyStructuredOutput ? 'stop' : mapStopReason(reason);
}

interface UsageTotals {
  input: number;
  cacheRead: number;
  /** 5-minute cache writes (all of cache_creation_input_tokens when no split is reported). */
  cacheWrite: number;
  cacheWrite1h: number;
  output: number;
  webSearches: number;
}

function merge(totals: UsageTotals, usage: AnthropicUsage | null | undefined): UsageTotals {
  if (!usage) return totals;
  const split = usage.cache_creation;
  const created = usage.cache_creation_input_tokens;
  // A total without the split (a later stream event) keeps the split already seen when it agrees.
  const writes =
    split != null
      ? { cacheWrite: split.ephemeral_5m_input_tokens ?? 0, cacheWrite1h: split.ephemeral_1h_input_tokens ?? 0 }
      : created == null || created === totals.cacheWrite + totals.cacheWrite1h
        ? { cacheWrite: totals.cacheWrite, cacheWrite1h: totals.cacheWrite1h }
        : { cacheWrite: created, cacheWrite1h: 0 };
  return {
    input: usage.input_tokens ?? totals.input,
    cacheRead: usage.cache_read_input_tokens ?? totals.cacheRead,
    ...writes,
    output: usage.output_tokens ?? totals.output,
    webSearches: usage.server_tool_use?.web_search_requests ?? totals.webSearches,
  };
}

// Anthropic's input_tokens excludes cache reads and writes; keyplane's inputTokens includes them.
function usageEvent(t: UsageTotals): UsageEvent {
  return toUsageEvent({
    inputTokens: t.input + t.cacheRead + t.cacheWrite + t.cacheWrite1h,
    cachedInputTokens: t.cacheRead,
    cacheWriteTokens: t.cacheWrite,
    cacheWrite1hTokens: t.cacheWrite1h,
    outputTokens: t.output,
    webSearches: t.webSearches,
  });
}

const ZERO: UsageTotals = { input: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, webSearches: 0 };

/** A thinking or redacted_thinking block (whole, or as a stream opens it) as reasoning events. */
function reasoningOf(block: { type: string; thinking?: string; signature?: string; data?: string }): ProviderEvent[] {
  if (block.type === 'redacted_thinking' && block.data) return [{ type: 'redacted-reasoning', data: block.data }];
  if (block.type !== 'thinking' || (!block.thinking && !block.signature)) return [];
  return [
    block.signature
      ? { type: 'reasoning-delta', text: block.thinking ?? '', signature: block.signature }
      : { type: 'reasoning-delta', text: block.thinking ?? '' },
  ];
}

/** Events of a non-streaming Messages API answer. */
export function parseMessage(json: unknown): ProviderEvent[] {
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) return [errorEvent('UPSTREAM_ERROR', 'Malformed message from upstream')];
  const { id, model, content, stop_reason, usage } = parsed.data;
  const events: ProviderEvent[] = [{ type: 'start', id, model }];
  let toolIndex = 0;
  let structured = false;
  for (const block of content) {
    if (block.type === 'text' && block.text) events.push({ type: 'text-delta', text: block.text });
    events.push(...reasoningOf(block));
    if (block.type === 'tool_use' && block.name === STRUCTURED_OUTPUT_TOOL) {
      structured = true;
      events.push({ type: 'text-delta', text: JSON.stringify(block.input ?? {}) });
    } else if (block.type === 'tool_use') {
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
  events.push({ type: 'finish', reason: finishReason(stop_reason, structured && toolIndex === 0) });
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
  // Blocks of the structured-output tool: their input JSON is the answer's text.
  const structuredBlocks = new Set<number>();
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
          if (block.type === 'tool_use' && block.name === STRUCTURED_OUTPUT_TOOL) {
            structuredBlocks.add(event.index);
            return [];
          }
          if (block.type === 'tool_use') {
            const index = toolIndexByBlock.size;
            toolIndexByBlock.set(event.index, index);
            return [{ type: 'tool-call-delta', index, id: block.id, name: block.name, argumentsDelta: '' }];
          }
          if (block.type === 'text' && block.text) return [{ type: 'text-delta', text: block.text }];
          return reasoningOf(block);
        }
        case 'content_block_delta': {
          const { delta } = event;
          if (delta.type === 'text_delta' && delta.text) return [{ type: 'text-delta', text: delta.text }];
          if (delta.type === 'thinking_delta' && delta.thinking) return [{ type: 'reasoning-delta', text: delta.thinking }];
          if (delta.type === 'signature_delta' && delta.signature)
            return [{ type: 'reasoning-delta', text: '', signature: delta.signature }];
          if (delta.type === 'input_json_delta' && structuredBlocks.has(event.index) && delta.partial_json) {
            return [{ type: 'text-delta', text: delta.partial_json }];
          }
          const index = toolIndexByBlock.get(event.index);
          if (delta.type === 'input_json_delta' && index !== undefined && delta.partial_json) {
            return [{ type: 'tool-call-delta', index, argumentsDelta: delta.partial_json }];
          }
          return [];
        }
        case 'message_delta': {
          totals = merge(totals, event.usage);
          const events: ProviderEvent[] = [usageEvent(totals)];
          const onlyStructured = structuredBlocks.size > 0 && toolIndexByBlock.size === 0;
          if (event.delta.stop_reason) events.push({ type: 'finish', reason: finishReason(event.delta.stop_reason, onlyStructured) });
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
