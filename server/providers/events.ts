import type { FailureClass } from '../../shared/domain.js';

/** Why the model stopped, in OpenAI's vocabulary. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * The one event union every provider adapter emits, streaming or not.
 *
 * Contract:
 * - `start` comes first when the provider reports an id or model.
 * - `tool-call-delta`: `index` is the tool call's position in this answer; the
 *   first delta of an index carries `id` and `name`, later ones only arguments.
 * - `usage` carries totals so far, not increments: the last one wins.
 *   `inputTokens` INCLUDES `cachedInputTokens` (bill uncached = input − cached).
 * - `error` is always the last event; nothing follows it.
 */
export type ProviderEvent =
  | { type: 'start'; id?: string; model?: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'usage'; inputTokens: number; cachedInputTokens: number; outputTokens: number }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; failureClass: FailureClass; message: string; status?: number };

export type UsageEvent = Extract<ProviderEvent, { type: 'usage' }>;
export type ErrorEvent = Extract<ProviderEvent, { type: 'error' }>;

/** Build an `error` event (adapters use this for malformed chunks and cut streams). */
export function errorEvent(failureClass: FailureClass, message: string, status?: number): ErrorEvent {
  return status === undefined ? { type: 'error', failureClass, message } : { type: 'error', failureClass, message, status };
}
