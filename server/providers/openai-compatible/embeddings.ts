import { z } from 'zod';
import type { EmbeddingsAdapter } from '../embeddings.js';
import { errorEvent } from '../events.js';

/** How one OpenAI-compatible upstream takes `/embeddings` requests. */
export interface CompatibleEmbeddingsOptions {
  /** Last-mile rewrite for the provider's own field names (e.g. Mistral's `output_dimension`). */
  rewriteBody?: (body: Record<string, unknown>) => Record<string, unknown>;
}

const embeddingsResponseSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int().nonnegative().optional(), embedding: z.array(z.number()) })),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});

/** `{base}/embeddings` in OpenAI's shape; vectors always asked for as floats (the front door encodes base64 itself). */
export function createCompatibleEmbeddings(
  headers: (apiKey: string) => Record<string, string>,
  options: CompatibleEmbeddingsOptions,
): EmbeddingsAdapter {
  return {
    buildRequest(request, context) {
      const body: Record<string, unknown> = { model: context.upstreamModel, input: request.input, encoding_format: 'float' };
      if (request.dimensions !== undefined) body.dimensions = request.dimensions;
      if (request.user !== undefined) body.user = request.user;
      return {
        url: `${context.baseUrl.replace(/\/+$/, '')}/embeddings`,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers(context.apiKey) },
        body: JSON.stringify(options.rewriteBody ? options.rewriteBody(body) : body),
      };
    },
    parseResponse(json) {
      const parsed = embeddingsResponseSchema.safeParse(json);
      if (!parsed.success) return errorEvent('UPSTREAM_ERROR', 'The provider answered embeddings in an unexpected shape');
      // `index` says which input a vector belongs to; upstreams may list them in any order.
      const vectors = parsed.data.data
        .map((item, position) => ({ index: item.index ?? position, embedding: item.embedding }))
        .sort((a, b) => a.index - b.index)
        .map((item) => item.embedding);
      return { vectors, inputTokens: parsed.data.usage?.prompt_tokens ?? null };
    },
  };
}
