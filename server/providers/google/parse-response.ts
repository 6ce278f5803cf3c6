import type { EventSourceMessage } from 'eventsource-parser';
import { redactSecrets } from '../classify-failure.js';
import type { FinishReason, ProviderEvent, UsageEvent } from '../events.js';
import { errorEvent, toUsageEvent } from '../events.js';
import { parseJson, runSseStream, type SseStreamHandler } from '../sse-stream.js';
import { type GenerateResponse, generateResponseSchema, type UsageMetadata } from './wire-schemas.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

/** Gemini's finishReason in OpenAI's vocabulary (STOP after a function call means tool_calls). */
function mapFinishReason(reason: string, sawFunctionCall: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return sawFunctionCall ? 'tool_calls' : 'stop';
}

// promptTokenCount includes cached tokens already; candidatesTokenCount excludes thinking
// tokens, which are billed as output.
function usageEvent(u: UsageMetadata): UsageEvent {
  return toUsageEvent({
    inputTokens: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
    cachedInputTokens: u.cachedContentTokenCount ?? 0,
    outputTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
    reasoningTokens: u.thoughtsTokenCount ?? 0,
  });
}

interface ChunkState {
  started: boolean;
  toolCalls: number;
  finished: boolean;
  lastUsage: string;
}

function chunkEvents(response: GenerateResponse, state: ChunkState): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  if (!state.started) {
    state.started = true;
    events.push({ type: 'start', id: response.responseId, model: response.modelVersion });
  }
  const candidate = response.candidates?.[0];
  for (const part of candidate?.content?.parts ?? []) {
    // Thought summaries (`thought: true`, sent when thinkingConfig.includeThoughts) are reasoning, not answer.
    if (part.text) events.push(part.thought ? { type: 'reasoning-delta', text: part.text } : { type: 'text-delta', text: part.text });
    if (part.functionCall) {
      const index = state.toolCalls++;
      events.push({
        type: 'tool-call-delta',
        index,
        // Gemini rarely sends ids; OpenAI clients need one to answer the call.
        id: part.functionCall.id ?? `call_${index}_${part.functionCall.name}`,
        name: part.functionCall.name,
        argumentsDelta: JSON.stringify(part.functionCall.args ?? {}),
      });
    }
  }
  if (response.usageMetadata) {
    const usage = usageEvent(response.usageMetadata);
    const key = JSON.stringify(usage);
    if (key !== state.lastUsage) {
      state.lastUsage = key;
      events.push(usage);
    }
  }
  if (!state.finished && candidate?.finishReason) {
    state.finished = true;
    events.push({ type: 'finish', reason: mapFinishReason(candidate.finishReason, state.toolCalls > 0) });
  } else if (!state.finished && !candidate && response.promptFeedback?.blockReason) {
    state.finished = true;
    events.push({ type: 'finish', reason: 'content_filter' });
  }
  return events;
}

function newState(): ChunkState {
  return { started: false, toolCalls: 0, finished: false, lastUsage: '' };
}

/** Events of a non-streaming generateContent answer. */
export function parseGenerateResponse(json: unknown): ProviderEvent[] {
  const parsed = generateResponseSchema.safeParse(json);
  if (!parsed.success) return [errorEvent('UPSTREAM_ERROR', 'Malformed generateContent answer from upstream')];
  const state = newState();
  const events = chunkEvents(parsed.data, state);
  if (!state.finished) events.push({ type: 'finish', reason: state.toolCalls > 0 ? 'tool_calls' : 'stop' });
  return events;
}

/** Events of a streamGenerateContent?alt=sse body (each SSE message is one GenerateContentResponse). */
export function parseGenerateStream(body: AsyncIterable<Uint8Array>): AsyncIterable<ProviderEvent> {
  const state = newState();
  const handler: SseStreamHandler = {
    finished: () => state.finished,
    onMessage(message: EventSourceMessage): ProviderEvent[] {
      const json = parseJson(message.data);
      if (!json.ok) throw new Error(`not JSON: ${message.data.slice(0, 80)}`);
      const value = json.value as { error?: unknown };
      if (typeof value === 'object' && value !== null && value.error) {
        const detail = value.error as { message?: unknown };
        return [errorEvent('UPSTREAM_ERROR', typeof detail.message === 'string' ? redactSecrets(detail.message) : 'Upstream error')];
      }
      return chunkEvents(generateResponseSchema.parse(json.value), state);
    },
  };
  return runSseStream(body, handler);
}
