/**
 * Canonical events → OpenAI's `chat.completion` object and `chat.completion.chunk`
 * SSE frames: what the Chat Completions front door writes to its clients.
 */
import type { FailureClass } from '../../../../shared/domain.js';
import type { FinishReason, ProviderEvent, UsageEvent } from '../../../providers/events.js';
import type { StreamRenderer } from '../front-door.js';

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
  /** Present when the model reasoned: the part of completion_tokens it spent doing so. */
  completion_tokens_details?: { reasoning_tokens: number };
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
      message: {
        role: 'assistant';
        content: string | null;
        /** The model's reasoning, in DeepSeek's field (which clients already read); absent when there was none. */
        reasoning_content?: string;
        refusal: null;
        tool_calls?: OpenAiToolCall[];
      };
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
  /** Reasoning text (redacted reasoning is not shown to Chat Completions clients). */
  reasoning: string;
  toolCalls: OpenAiToolCall[];
  finishReason?: FinishReason;
  usage?: { inputTokens: number; cachedInputTokens: number; outputTokens: number; reasoningTokens?: number };
  error?: { failureClass: FailureClass; message: string; status?: number };
}

/** Fold events (streamed or not) into one summary; later usage replaces earlier usage. */
export function accumulateEvents(events: Iterable<ProviderEvent>): AccumulatedEvents {
  const acc: AccumulatedEvents = { text: '', reasoning: '', toolCalls: [] };
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
      case 'reasoning-delta':
        acc.reasoning += event.text;
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
        acc.usage = usageCounts(event);
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
function toOpenAiUsage(usage: NonNullable<AccumulatedEvents['usage']>): OpenAiUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    ...(usage.reasoningTokens ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}),
  };
}

/** The counts a Chat Completions usage object shows. */
function usageCounts(event: UsageEvent): NonNullable<AccumulatedEvents['usage']> {
  const { inputTokens, cachedInputTokens, outputTokens, reasoningTokens } = event;
  return reasoningTokens
    ? { inputTokens, cachedInputTokens, outputTokens, reasoningTokens }
    : { inputTokens, cachedInputTokens, outputTokens };
}

/** A non-streaming `chat.completion`. Error events are ignored: the caller answers errors itself. */
export function toChatCompletion(events: Iterable<ProviderEvent>, context: ShapeContext): ChatCompletion {
  const acc = accumulateEvents(events);
  const toolCalls = acc.toolCalls.length > 0 ? { tool_calls: acc.toolCalls } : {};
  const reasoning = acc.reasoning ? { reasoning_content: acc.reasoning } : {};
  const completion: ChatCompletion = {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: acc.text || (acc.toolCalls.length > 0 ? null : ''),
          ...reasoning,
          refusal: null,
          ...toolCalls,
        },
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
function sseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** The terminating frame of a successful stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** An SSE frame carrying an OpenAI error envelope; the `openai` client throws an APIError on it. */
export function sseErrorFrame(failureClass: FailureClass, message: string): string {
  return sseFrame(openAiErrorBody(failureClass, message));
}

/**
 * Turns events into `chat.completion.chunk` frames. Usage is held back to the
 * end and sent only when `includeUsage` (the client's `stream_options.include_usage`).
 * An `error` event becomes an OpenAI error frame and closes the stream: no `[DONE]`.
 */
export function createStreamShaper(context: ShapeContext & { includeUsage: boolean }): StreamRenderer {
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
        case 'reasoning-delta':
          // A bare signature (Anthropic's end of a thinking block) has nothing to show here.
          return event.text ? role() + chunk({ reasoning_content: event.text }) : '';
        case 'redacted-reasoning':
          return '';
        case 'tool-call-delta': {
          const fn: Record<string, string> = { arguments: event.argumentsDelta };
          if (event.name) fn.name = event.name;
          const call: Record<string, unknown> = { index: event.index, function: fn };
          if (event.id) Object.assign(call, { id: event.id, type: 'function' });
          return role() + chunk({ tool_calls: [call] });
        }
        case 'usage':
          usage = usageCounts(event);
          return '';
        case 'finish':
          return role() + chunk({}, event.reason);
        case 'error':
          closed = true;
          return sseErrorFrame(event.failureClass, event.message);
      }
    },
    error(failureClass, message) {
      closed = true;
      return sseErrorFrame(failureClass, message);
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
