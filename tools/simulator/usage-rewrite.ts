/**
 * Recorded answers reporting other token counts, in each provider's own usage shape, so a test
 * can make an upstream report cache reads, cache writes (5-minute and 1-hour), reasoning
 * tokens or a very long prompt. Every non-null usage object of the answer (body or SSE `data:`
 * lines; OpenAI's final chunk, Groq's `x_groq`, Anthropic's message_start and message_delta,
 * Gemini's `usageMetadata`) is replaced; the rest stays as recorded.
 */
import type { Wire } from './fixture-store.js';

/** Token counts in keyplane's terms: `inputTokens` counts every input token, `outputTokens` includes reasoning. */
export interface SimUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  /** 5-minute cache writes (Anthropic). */
  cacheWriteTokens?: number;
  /** 1-hour cache writes (Anthropic). */
  cacheWrite1hTokens?: number;
  reasoningTokens?: number;
}

/** The usage object a provider sends for these counts. */
function wireUsage(wire: Wire, u: SimUsage): Record<string, unknown> {
  const cached = u.cachedInputTokens ?? 0;
  const writes5m = u.cacheWriteTokens ?? 0;
  const writes1h = u.cacheWrite1hTokens ?? 0;
  const reasoning = u.reasoningTokens ?? 0;
  if (wire === 'anthropic') {
    // Anthropic's input_tokens excludes cache reads and writes.
    return {
      input_tokens: u.inputTokens - cached - writes5m - writes1h,
      cache_read_input_tokens: cached,
      cache_creation_input_tokens: writes5m + writes1h,
      cache_creation: { ephemeral_5m_input_tokens: writes5m, ephemeral_1h_input_tokens: writes1h },
      output_tokens: u.outputTokens,
    };
  }
  if (wire === 'google') {
    // candidatesTokenCount excludes the thinking tokens, reported apart.
    return {
      promptTokenCount: u.inputTokens,
      cachedContentTokenCount: cached,
      candidatesTokenCount: u.outputTokens - reasoning,
      thoughtsTokenCount: reasoning,
      totalTokenCount: u.inputTokens + u.outputTokens,
    };
  }
  if (wire === 'openai-responses') {
    return {
      input_tokens: u.inputTokens,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: u.outputTokens,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: u.inputTokens + u.outputTokens,
    };
  }
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

function replaceUsage(value: unknown, replacement: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceUsage(item, replacement));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) =>
      (key === 'usage' || key === 'usageMetadata') && typeof item === 'object' && item !== null
        ? [key, replacement]
        : [key, replaceUsage(item, replacement)],
    ),
  );
}

/** A non-streaming answer body reporting `usage`. */
export function withUsageBody(text: string, wire: Wire, usage: SimUsage): string {
  return JSON.stringify(replaceUsage(JSON.parse(text) as unknown, wireUsage(wire, usage)));
}

/** Streaming answer events reporting `usage` (each event keeps its `event:` line and blank-line end). */
export function withUsageEvents(events: readonly string[], wire: Wire, usage: SimUsage): string[] {
  const replacement = wireUsage(wire, usage);
  return events.map((event) =>
    event.replace(/^data: (.+)$/gm, (line, data: string) => {
      try {
        return `data: ${JSON.stringify(replaceUsage(JSON.parse(data) as unknown, replacement))}`;
      } catch {
        return line; // `[DONE]`
      }
    }),
  );
}
