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
  /**
   * Server-side web searches: Anthropic's `usage.server_tool_use.web_search_requests`; for
   * Responses, that many `web_search_call` items ahead of the answer's output.
   */
  webSearches?: number;
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
      ...(u.webSearches ? { server_tool_use: { web_search_requests: u.webSearches } } : {}),
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

/** A completed Responses web search, as OpenAI lists it among a response's output items. */
function webSearchCall(index: number): Record<string, unknown> {
  return { type: 'web_search_call', id: `ws_sim${index}`, status: 'completed', action: { type: 'search', query: 'keyplane' } };
}

/** Every usage object replaced; finished Responses response objects get `searchCalls` web_search_call items first. */
function replaceUsage(value: unknown, replacement: Record<string, unknown>, searchCalls: number): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceUsage(item, replacement, searchCalls));
  if (typeof value !== 'object' || value === null) return value;
  const rewritten = Object.fromEntries(
    Object.entries(value).map(([key, item]) =>
      (key === 'usage' || key === 'usageMetadata') && typeof item === 'object' && item !== null
        ? [key, replacement]
        : [key, replaceUsage(item, replacement, searchCalls)],
    ),
  );
  // Only a finished response (one with usage) lists the searches it ran.
  if (searchCalls > 0 && rewritten.object === 'response' && rewritten.usage != null && Array.isArray(rewritten.output))
    rewritten.output = [...Array.from({ length: searchCalls }, (_, i) => webSearchCall(i)), ...rewritten.output];
  return rewritten;
}

const searchCallsOf = (wire: Wire, usage: SimUsage) => (wire === 'openai-responses' ? (usage.webSearches ?? 0) : 0);

/** A non-streaming answer body reporting `usage`. */
export function withUsageBody(text: string, wire: Wire, usage: SimUsage): string {
  return JSON.stringify(replaceUsage(JSON.parse(text) as unknown, wireUsage(wire, usage), searchCallsOf(wire, usage)));
}

/** Streaming answer events reporting `usage` (each event keeps its `event:` line and blank-line end). */
export function withUsageEvents(events: readonly string[], wire: Wire, usage: SimUsage): string[] {
  const replacement = wireUsage(wire, usage);
  return events.map((event) =>
    event.replace(/^data: (.+)$/gm, (line, data: string) => {
      try {
        return `data: ${JSON.stringify(replaceUsage(JSON.parse(data) as unknown, replacement, searchCallsOf(wire, usage)))}`;
      } catch {
        return line; // `[DONE]`
      }
    }),
  );
}
