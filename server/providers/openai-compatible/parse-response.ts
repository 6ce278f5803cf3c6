import type { EventSourceMessage } from 'eventsource-parser';
import { classifyHttpFailure } from '../classify-failure.js';
import { errorEvent, type FinishReason, type ProviderEvent, toUsageEvent, type UsageEvent } from '../events.js';
import { parseJson, runSseStream, type SseStreamHandler } from '../sse-stream.js';
import { chunkSchema, completionSchema, type WireContent, type WireUsage } from './wire-schemas.js';

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  eos: 'stop',
  end_turn: 'stop',
  length: 'length',
  model_length: 'length',
  max_tokens: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

function finishEvent(reason: string): ProviderEvent {
  // Mistral ends a failed generation with finish_reason "error".
  if (reason === 'error') return errorEvent('UPSTREAM_ERROR', 'Upstream ended the generation with an error');
  return { type: 'finish', reason: FINISH[reason] ?? 'stop' };
}

/** OpenAI-shaped usage → a usage event (prompt_tokens includes cached tokens, completion_tokens reasoning). */
export function usageEvent(usage: WireUsage): UsageEvent {
  return toUsageEvent({
    inputTokens: usage.prompt_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  });
}

/** The reasoning a message or delta carries, under either of its names. */
function reasoning(fields: { reasoning_content?: string | null; reasoning?: string | null } | null | undefined): ProviderEvent[] {
  const text = fields?.reasoning_content || fields?.reasoning;
  return text ? [{ type: 'reasoning-delta', text }] : [];
}

function text(content: WireContent | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}

/** Events of a non-streaming `chat.completion` body. */
export function parseCompletion(json: unknown): ProviderEvent[] {
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) return [errorEvent('UPSTREAM_ERROR', 'Malformed completion from upstream')];
  const { id, model, choices, usage } = parsed.data;
  const events: ProviderEvent[] = [{ type: 'start', id, model }];
  const choice = choices[0];
  if (choice) {
    events.push(...reasoning(choice.message));
    const content = text(choice.message.content);
    if (content) events.push({ type: 'text-delta', text: content });
    choice.message.tool_calls?.forEach((call, position) => {
      events.push({
        type: 'tool-call-delta',
        index: call.index ?? position,
        id: call.id ?? undefined,
        name: call.function?.name ?? undefined,
        argumentsDelta: call.function?.arguments ?? '',
      });
    });
  }
  if (usage) events.push(usageEvent(usage));
  events.push(choice?.finish_reason ? finishEvent(choice.finish_reason) : { type: 'finish', reason: 'stop' });
  return events;
}

function streamHandler(): SseStreamHandler {
  let started = false;
  let done = false;
  let finished = false;
  return {
    finished: () => done || finished,
    onMessage(message: EventSourceMessage): ProviderEvent[] {
      if (message.data.trim() === '[DONE]') {
        done = true;
        return [];
      }
      const json = parseJson(message.data);
      if (!json.ok) throw new Error(`not JSON: ${message.data.slice(0, 80)}`);
      const chunk = chunkSchema.parse(json.value);
      if (chunk.error) {
        const code = typeof chunk.error.code === 'string' ? chunk.error.code : undefined;
        // Mid-stream errors carry no HTTP status; infer the throttling ones from their code.
        const throttled = /rate|quota/i.test(`${code ?? ''} ${chunk.error.type ?? ''}`);
        const status = typeof chunk.error.code === 'number' ? chunk.error.code : throttled ? 429 : 500;
        const failure = classifyHttpFailure({
          status,
          message: chunk.error.message ?? 'Upstream reported an error mid-stream',
          codes: [code, chunk.error.type],
        });
        return [errorEvent(failure.failureClass, failure.message)];
      }
      const events: ProviderEvent[] = [];
      if (!started) {
        started = true;
        events.push({ type: 'start', id: chunk.id, model: chunk.model });
      }
      for (const choice of chunk.choices ?? []) {
        events.push(...reasoning(choice.delta));
        const content = text(choice.delta?.content);
        if (content) events.push({ type: 'text-delta', text: content });
        choice.delta?.tool_calls?.forEach((call, position) => {
          events.push({
            type: 'tool-call-delta',
            index: call.index ?? position,
            id: call.id ?? undefined,
            name: call.function?.name ?? undefined,
            argumentsDelta: call.function?.arguments ?? '',
          });
        });
        if (choice.finish_reason && !finished) {
          finished = true;
          events.push(finishEvent(choice.finish_reason));
        }
      }
      const usage = chunk.usage ?? chunk.x_groq?.usage;
      if (usage) events.push(usageEvent(usage));
      return events;
    },
  };
}

/** Events of a `chat.completion.chunk` SSE body. */
export function parseCompletionStream(body: AsyncIterable<Uint8Array>): AsyncIterable<ProviderEvent> {
  return runSseStream(body, streamHandler());
}
