/**
 * Provider events → OpenAI's `chat.completion` object and `chat.completion.chunk`
 * SSE frames: what the gateway writes to its clients.
 */
import type { FailureClass } from '../../shared/domain.js';
import type { FinishReason, ProviderEvent } from './events.js';

/** Gateway-chosen identity of one response. */
export interface ShapeContext {
  /** e.g. `chatcmpl-…` */
  id: string;
  /** The model name to show the client. */
  model: string;
  /** Unix seconds. */
  created: number;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: OpenAiToolCall[] };
      finish_reason: FinishReason;
      logprobs: null;
    },
  ];
  usage?: OpenAiUsage;
}

/** Everything a sequence of events said, folded. Also what settlement reads. */
export interface AccumulatedEvents {
  upstreamId?: string;
  upstreamModel?: string;
  text: string;
  toolCalls: OpenAiToolCall[];
  finishReason?: FinishReason;
  usage?: { inputTokens: number; cachedInputTokens: number; outputTokens: number };
  error?: { failureClass: FailureClass; message: string; status?: number };
}

/** Fold events (streamed or not) into one summary; later usage replaces earlier usage. */
export function accumulateEvents(events: Iterable<ProviderEvent>): AccumulatedEvents {
  const acc: AccumulatedEvents = { text: '', toolCalls: [] };
  const calls = new Map<number, OpenAiToolCall>();
  for (const event of events) {
    switch (event.type) {
      case 'start':
        acc.upstreamId ??= event.id;
        acc.upstreamModel ??= event.model;
        break;
      case 'text-delta':
        acc.text += event.text;
        break;
      case 'tool-call-delta': {
        const call = calls.get(event.index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
        if (event.id) call.id = event.id;
        if (event.name) call.function.name = event.name;
        call.function.arguments += event.argumentsDelta;
        calls.set(event.index, call);
        break;
      }
      case 'usage':
        acc.usage = { inputTokens: event.inputTokens, cachedInputTokens: event.cachedInputTokens, outputTokens: event.outputTokens };
        break;
      case 'finish':
        acc.finishReason = event.reason;
        break;
      case 'error':
        acc.error = { failureClass: event.failureClass, message: event.message, status: event.status };
        break;
    }
  }
  acc.toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return acc;
}

/** OpenAI's usage object for token counts. */
export function toOpenAiUsage(usage: NonNullable<AccumulatedEvents['usage']>): OpenAiUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
  };
}

/** A non-streaming `chat.completion`. Error events are ignored: the caller answers errors itself. */
export function toChatCompletion(events: Iterable<ProviderEvent>, context: ShapeContext): ChatCompletion {
  const acc = accumulateEvents(events);
  const toolCalls = acc.toolCalls.length > 0 ? { tool_calls: acc.toolCalls } : {};
  const completion: ChatCompletion = {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: acc.text || (acc.toolCalls.length > 0 ? null : ''), refusal: null, ...toolCalls },
        finish_reason: acc.finishReason ?? (acc.toolCalls.length > 0 ? 'tool_calls' : 'stop'),
        logprobs: null,
      },
    ],
  };
  if (acc.usage) completion.usage = toOpenAiUsage(acc.usage);
  return completion;
}

const ERROR_TYPE: Record<FailureClass, string> = {
  AUTH: 'authentication_error',
  RATE_LIMIT: 'rate_limit_error',
  QUOTA: 'insufficient_quota',
  BAD_REQUEST: 'invalid_request_error',
  UPSTREAM_ERROR: 'upstream_error',
  TIMEOUT: 'timeout_error',
  NETWORK: 'upstream_error',
  STREAM_INTERRUPTED: 'upstream_error',
  CANCELLED: 'cancelled',
};

/** OpenAI's error envelope. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string; param: null };
}

/** OpenAI's error envelope for a failure class: `{"error":{"message","type","code"}}`. */
export function openAiErrorBody(failureClass: FailureClass, message: string): OpenAiErrorBody {
  return { error: { message, type: ERROR_TYPE[failureClass], code: failureClass.toLowerCase(), param: null } };
}

/** One SSE `data:` frame. */
export function sseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** The terminating frame of a successful stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** An SSE frame carrying an OpenAI error envelope; the `openai` client throws an APIError on it. */
export function sseErrorFrame(failureClass: FailureClass, message: string): string {
  return sseFrame(openAiErrorBody(failureClass, message));
}

export interface StreamShaper {
  /** SSE text for one event ('' when the event produces no frame yet). */
  push(event: ProviderEvent): string;
  /** Closing frames: the usage chunk when the client asked for it, then `[DONE]`; '' after an error. */
  end(): string;
}

/**
 * Turns events into `chat.completion.chunk` frames. Usage is held back to the
 * end and sent only when `includeUsage` (the client's `stream_options.include_usage`).
 * An `error` event becomes an OpenAI error frame and closes the stream: no `[DONE]`.
 */
export function createStreamShaper(context: ShapeContext & { includeUsage: boolean }): StreamShaper {
  let roleSent = false;
  let closed = false;
  let usage: AccumulatedEvents['usage'];
  const chunk = (delta: Record<string, unknown>, finishReason: FinishReason | null = null) =>
    sseFrame({
      id: context.id,
      object: 'chat.completion.chunk',
      created: context.created,
      model: context.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
  const role = () => {
    if (roleSent) return '';
    roleSent = true;
    return chunk({ role: 'assistant', content: '' });
  };
  return {
    push(event) {
      if (closed) return '';
      switch (event.type) {
        case 'start':
          return role();
        case 'text-delta':
          return role() + chunk({ content: event.text });
        case 'tool-call-delta': {
          const fn: Record<string, string> = { arguments: event.argumentsDelta };
          if (event.name) fn.name = event.name;
          const call: Record<string, unknown> = { index: event.index, function: fn };
          if (event.id) Object.assign(call, { id: event.id, type: 'function' });
          return role() + chunk({ tool_calls: [call] });
        }
        case 'usage':
          usage = { inputTokens: event.inputTokens, cachedInputTokens: event.cachedInputTokens, outputTokens: event.outputTokens };
          return '';
        case 'finish':
          return role() + chunk({}, event.reason);
        case 'error':
          closed = true;
          return sseErrorFrame(event.failureClass, event.message);
      }
    },
    end() {
      if (closed) return '';
      closed = true;
      const usageFrame =
        context.includeUsage && usage
          ? sseFrame({
              id: context.id,
              object: 'chat.completion.chunk',
              created: context.created,
              model: context.model,
              choices: [],
              usage: toOpenAiUsage(usage),
            })
          : '';
      return usageFrame + SSE_DONE;
    },
  };
}
