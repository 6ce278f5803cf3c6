import type { BuildContext, UpstreamRequest } from './adapter.js';
import type { ErrorEvent } from './events.js';

/**
 * The canonical embeddings request (what the embeddings front door parses the client's body into):
 * OpenAI's shape with the input always a list, one entry per vector wanted. An entry is text, or
 * token ids for upstreams that accept them (OpenAI-compatible ones; others refuse them).
 */
export interface EmbeddingsRequest {
  /** The model as the client wrote it (routing resolves it; adapters receive the upstream name). */
  model: string;
  input: readonly (string | readonly number[])[];
  /** Output dimensions, for models that can shorten their vectors. */
  dimensions?: number;
  /** The end user, for providers that take it. */
  user?: string;
}

/** One upstream answer: a vector per input, in input order, and the provider's token count if it sent one. */
export interface EmbeddingsResult {
  vectors: number[][];
  /** Input tokens as the provider counted them; null when its answer carries none (Gemini's API). */
  inputTokens: number | null;
}

/**
 * The embeddings part of a provider adapter. A provider whose adapter lacks it offers no
 * embeddings and is never a candidate for `/v1/embeddings`. Errors (non-2xx answers) go
 * through the adapter's own `classifyError`.
 */
export interface EmbeddingsAdapter {
  /** The upstream request. Throws RequestTranslationError for input the provider cannot take. */
  buildRequest(request: EmbeddingsRequest, context: Omit<BuildContext, 'stream'>): UpstreamRequest;
  /** A 2xx JSON body → vectors and usage; a malformed body → an `error` event. */
  parseResponse(json: unknown): EmbeddingsResult | ErrorEvent;
}
