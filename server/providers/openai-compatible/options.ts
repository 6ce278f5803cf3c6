import type { CompatibleEmbeddingsOptions } from './embeddings.js';

/** The quirks that distinguish one OpenAI-compatible upstream from another. */
export interface OpenAiCompatibleOptions {
  /** Which unknown request fields reach the upstream: all, none, or an allow-list. */
  extraFields: 'all' | 'none' | readonly string[];
  /** `max_tokens`: rewrite `max_completion_tokens` into it; `as-sent`: pass both as the client sent them. */
  maxTokensField: 'as-sent' | 'max_tokens';
  /** `stream_options`: ask for usage in streams; `always`: the upstream sends it unasked (and may reject the option). */
  streamUsage: 'stream_options' | 'always';
  /** `system`: send OpenAI's newer `developer` messages as `system` (most compatible servers lack the role). */
  developerRole: 'developer' | 'system';
  /** Last-mile rewrite for a provider's renamed fields (e.g. Mistral's `random_seed`). */
  rewriteBody?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Fixed extra headers. */
  headers?: Readonly<Record<string, string>>;
  /** Set when the upstream serves `/embeddings`; without it the provider offers no embeddings. */
  embeddings?: CompatibleEmbeddingsOptions;
}

/** Defaults for an organization's custom server (Ollama, vLLM, llama.cpp): lenient about extras. */
export const CUSTOM_PROVIDER_OPTIONS: OpenAiCompatibleOptions = {
  extraFields: 'all',
  maxTokensField: 'max_tokens',
  streamUsage: 'stream_options',
  developerRole: 'system',
};
