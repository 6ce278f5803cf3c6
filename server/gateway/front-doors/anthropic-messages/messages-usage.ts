import type { FinishReason, UsageEvent } from '../../../providers/events.js';

/** Anthropic's usage object. */
export interface MessagesUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
}

/**
 * Canonical usage in Anthropic's terms. The canonical `inputTokens` counts cache reads and
 * writes; Anthropic's `input_tokens` counts only the uncached rest, so they are taken out.
 */
export function toMessagesUsage(usage: Omit<UsageEvent, 'type'> | null): MessagesUsage {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const write5m = usage?.cacheWriteTokens ?? 0;
  const write1h = usage?.cacheWrite1hTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - write5m - write1h),
    cache_creation_input_tokens: write5m + write1h,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
    output_tokens: usage?.outputTokens ?? 0,
  };
}

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

const STOP_REASON: Record<FinishReason, StopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** A canonical finish reason as Anthropic's `stop_reason`. */
export function toStopReason(reason: FinishReason | undefined, calledTools: boolean): StopReason {
  if (reason === undefined) return calledTools ? 'tool_use' : 'end_turn';
  return STOP_REASON[reason];
}
