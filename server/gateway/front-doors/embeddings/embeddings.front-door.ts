/**
 * The embeddings front door (`POST /v1/embeddings`, OpenAI's shape). Its request is not a chat and
 * its answer is vectors, not events, so of the `FrontDoor` contract it shares the id and the error
 * shape; parsing and rendering are its own. It never streams and never passes through.
 */
import type { EmbeddingsResult } from '../../../providers/embeddings.js';
import type { ErrorRendering, FrontDoor } from '../front-door.js';
import { type EncodingFormat, type ParsedEmbeddings, parseEmbeddingsBody } from './embeddings-request.js';

/** What the answer needs besides the vectors. */
export interface EmbeddingsRenderContext {
  /** The model as the client asked for it. */
  model: string;
  encodingFormat: EncodingFormat;
  /** The provider's count, or the gateway's estimate when the provider sent none. */
  inputTokens: number;
}

export interface EmbeddingsFrontDoor extends Pick<FrontDoor, 'renderError'> {
  readonly id: 'embeddings';
  parse(body: unknown): ParsedEmbeddings;
  renderResponse(result: EmbeddingsResult, context: EmbeddingsRenderContext): unknown;
}

/** Little-endian float32 bytes in base64, as OpenAI sends `encoding_format: "base64"`. */
function base64Vector(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export const embeddingsFrontDoor: EmbeddingsFrontDoor = {
  id: 'embeddings',
  parse: parseEmbeddingsBody,
  renderResponse(result, context) {
    return {
      object: 'list',
      data: result.vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: context.encodingFormat === 'base64' ? base64Vector(vector) : vector,
      })),
      model: context.model,
      usage: { prompt_tokens: context.inputTokens, total_tokens: context.inputTokens },
    };
  },
  renderError(_status, code, message, type): ErrorRendering {
    return { body: { error: { message, type, code, param: null } } };
  },
};
