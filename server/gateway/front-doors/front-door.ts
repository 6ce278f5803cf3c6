/**
 * A front door: one client-facing wire format (OpenAI Chat Completions, Anthropic Messages,
 * OpenAI Responses, embeddings). It parses its own request format into the canonical request
 * (the OpenAI Chat Completions shape, `ParsedChatRequest`) and renders the canonical events
 * that adapters emit back into its own format, errors included. It knows nothing of providers:
 * the one pipeline (authenticate → resolve → route → reserve → call → respond → settle) serves
 * every front door, and adapters translate canonical ↔ upstream.
 *
 * When a front door and the chosen upstream speak the same format (Messages → Anthropic,
 * Responses → OpenAI), the front door may offer a pass-through: the client's body goes upstream
 * as sent and only usage is read from the answer (Anthropic thinking signatures survive byte for byte).
 */
import type { FailureClass } from '../../../shared/domain.js';
import type { ParsedChatRequest } from '../../providers/canonical-request.js';
import type { ProviderEvent, UsageEvent } from '../../providers/events.js';

/** Recorded on the usage record (`endpoint`) and in metrics. */
export type FrontDoorId = 'openai-chat' | 'anthropic-messages' | 'openai-responses' | 'embeddings';

/** What a renderer needs besides the events. */
export interface RenderContext {
  requestId: string;
  /** The model as the client asked for it. */
  model: string;
  /** Unix seconds of the request's start. */
  created: number;
  /** Whether the client asked for usage in the stream (Chat Completions' `stream_options.include_usage`). */
  includeUsage: boolean;
  /** The client's body as `parse` returned it (`raw`): for front doors that echo request fields or map tool names back. */
  raw?: Readonly<Record<string, unknown>>;
}

/** Turns canonical events into this front door's SSE frames, one event at a time. */
export interface StreamRenderer {
  /** Frames for one event ('' when it produces none yet). */
  push(event: ProviderEvent): string;
  /** The closing frames of a complete answer (e.g. `data: [DONE]`, `message_stop`, `response.completed`). */
  end(): string;
  /** The in-stream error frames that tell the client its answer is incomplete, in this API's own event format. */
  error(failureClass: FailureClass, message: string): string;
}

/** An error in this front door's own shape. */
export interface ErrorRendering {
  /** e.g. `{ error: { message, type, code } }` for OpenAI, `{ type: 'error', error: { type, message } }` for Anthropic. */
  body: unknown;
}

/** Reading usage out of an upstream answer that passed through untouched. */
export interface PassThrough {
  /** The adapter kind (`ProviderAdapter.kind`) whose upstream speaks this front door's format. */
  adapterKind: string;
  /** Path appended to the provider's base URL (e.g. `/v1/messages`). */
  path: string;
  /** Headers to forward from the client request (e.g. `anthropic-version`, `anthropic-beta`), lower-case names. */
  forwardHeaders: readonly string[];
  /** The client body, with only the upstream model name and stream/usage options the gateway needs changed. */
  prepareBody(body: Record<string, unknown>, upstreamModel: string): Record<string, unknown>;
  /** Usage from a non-streaming JSON answer. */
  usageFromJson(json: unknown): UsageEvent | null;
  /** Observes each SSE `data:` payload (and event name) of a streaming answer; returns usage totals so far when they change. */
  usageFromStreamEvent(event: string | undefined, data: string): UsageEvent | null;
  /**
   * For formats whose usage is spread over several events (Anthropic: input and cache counts in
   * `message_start`, output in `message_delta`): a fresh reader per stream, used instead of
   * `usageFromStreamEvent` when present, returning the totals so far.
   */
  createStreamUsageReader?(): (event: string | undefined, data: string) => UsageEvent | null;
  /**
   * Characters of the answer (text, reasoning, tool names and arguments) one SSE event of a
   * streaming answer carries, counted as `RequestRun.observe` counts translated events: what an
   * answer cut short (client gone, stream broken) is billed by when its usage never arrived whole.
   */
  outputCharsOfStreamEvent?(event: string | undefined, data: string): number;
  /**
   * Whether an SSE event ends a streaming answer: its last event (`complete`), or the upstream's
   * error (`error`). A stream the upstream closes before either was cut short, as a translated
   * stream without its finish is. Read from the event's name, else its data's `type`.
   */
  streamEnd(event: string | undefined, data: string): 'complete' | 'error' | null;
  /**
   * Web searches one SSE event shows the provider ran (Anthropic's `server_tool_use` block,
   * Responses' finished `web_search_call` item): what a stream cut before its final usage is
   * billed for at least.
   */
  webSearchesOfStreamEvent?(event: string | undefined, data: string): number;
}

/** A parsed request. `droppedTools` and `translationError` matter only when the request is translated (no pass-through). */
export type ParseResult =
  | {
      ok: true;
      value: ParsedChatRequest;
      raw: Record<string, unknown>;
      /** Tools left out of the canonical request because no translated upstream can run them (e.g. Responses' `web_search`): named in `x-keyplane-dropped-tools` and on the usage record. */
      droppedTools?: readonly string[];
      /** Why the request cannot be translated at all (e.g. `tool_choice` requires a built-in tool): a 400 unless it passes through. */
      translationError?: string;
      /** Other parts of the request the translation leaves out (e.g. Anthropic thinking blocks, `top_k`), each with its reason: logged when translated. */
      dropped?: readonly string[];
      /**
       * The most server-side web searches the request allows, where it bounds them (Anthropic's
       * `max_uses`, Responses' `max_tool_calls` beside a web_search tool): held before the call.
       */
      webSearchLimit?: number;
    }
  | { ok: false; message: string };

export interface FrontDoor {
  readonly id: FrontDoorId;
  /** The client's body → the canonical request, or a message for a 400 in this front door's shape. */
  parse(body: unknown): ParseResult;
  /** A complete (non-streaming) answer in this front door's shape. */
  renderResponse(events: readonly ProviderEvent[], context: RenderContext): unknown;
  streamRenderer(context: RenderContext): StreamRenderer;
  /** `type` is the OpenAI-style error type the gateway chose (`invalid_request_error`, `rate_limit_error`, …). */
  renderError(status: number, code: string, message: string, type: string): ErrorRendering;
  readonly passThrough?: PassThrough;
}
