import type { ParsedChatRequest } from './canonical-request.js';
import type { ClassifiedFailure, HeaderSource } from './classify-failure.js';
import type { EmbeddingsAdapter } from './embeddings.js';
import type { ProviderEvent } from './events.js';

/** Where and how to call the upstream for one attempt. */
export interface BuildContext {
  /** Base URL in the form the provider's own SDK takes (e.g. `https://api.openai.com/v1`). */
  baseUrl: string;
  apiKey: string;
  /** The provider's own model name (from the catalog or a custom provider's config). */
  upstreamModel: string;
  /** Stream from upstream; overrides the request's `stream`. */
  stream: boolean;
}

/** A ready-to-send upstream HTTP request. Headers contain the API key: never log them. */
export interface UpstreamRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** An upstream answer with a non-2xx status. */
export interface UpstreamErrorResponse {
  status: number;
  /** The raw body text (or an already-parsed JSON value). */
  body: unknown;
  headers?: HeaderSource;
}

/**
 * Thrown by `buildRequest` when the request cannot be expressed in the
 * provider's format (e.g. an image URL Gemini cannot fetch). The gateway answers 400.
 */
export class RequestTranslationError extends Error {
  override readonly name = 'RequestTranslationError';
}

/** One provider's wire format. Adapters are stateless; streams keep their state inside `parseStream`. */
export interface ProviderAdapter {
  /** The wire format family, e.g. `openai-compatible`, `anthropic`, `google`. */
  readonly kind: string;
  /** Translate an OpenAI-shaped request. Throws RequestTranslationError for untranslatable input. */
  buildRequest(request: ParsedChatRequest, context: BuildContext): UpstreamRequest;
  /** Events of a non-streaming 2xx JSON body. Malformed input yields a single `error` event. */
  parseResponse(json: unknown): ProviderEvent[];
  /**
   * Events of a streaming 2xx body. Never throws: a malformed chunk, an upstream
   * error event, a transport failure or a stream ending without a finish becomes
   * a final `error` event.
   */
  parseStream(body: AsyncIterable<Uint8Array>): AsyncIterable<ProviderEvent>;
  /** The upstream's credential headers (plus any it always needs), for a request sent as the client wrote it. */
  authHeaders(apiKey: string): Record<string, string>;
  /**
   * A GET, relative to the base URL, that only the key itself can fail: the provider's model
   * list. Asked before a key is disabled for a 401/403, to tell a refused key from a refused request.
   */
  readonly keyCheckPath: string;
  /** Classify a non-2xx answer using the shared classifier plus this provider's error-body shape. */
  classifyError(response: UpstreamErrorResponse): ClassifiedFailure;
  /** Embeddings, for providers that offer them; absent means the provider is no candidate for `/v1/embeddings`. */
  readonly embeddings?: EmbeddingsAdapter;
}
