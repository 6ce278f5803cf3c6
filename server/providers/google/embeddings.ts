import { z } from 'zod';
import { RequestTranslationError } from '../adapter.js';
import type { EmbeddingsAdapter } from '../embeddings.js';
import { errorEvent } from '../events.js';

const batchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
  // The Gemini API sends no token counts for embeddings today; read them if it starts to.
  usageMetadata: z.looseObject({ promptTokenCount: z.number().int().nonnegative().nullish() }).nullish(),
});

/** Gemini's `{base}/v1beta/models/{model}:batchEmbedContents`: one request per input text. */
export function createGoogleEmbeddings(authHeaders: (apiKey: string) => Record<string, string>): EmbeddingsAdapter {
  return {
    buildRequest(request, context) {
      const model = `models/${context.upstreamModel}`;
      const requests = request.input.map((entry) => {
        if (typeof entry !== 'string') throw new RequestTranslationError('Gemini embeds text only: send input as strings, not token ids');
        return {
          model,
          content: { parts: [{ text: entry }] },
          ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
        };
      });
      return {
        url: `${context.baseUrl.replace(/\/+$/, '')}/v1beta/models/${encodeURIComponent(context.upstreamModel)}:batchEmbedContents`,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders(context.apiKey) },
        body: JSON.stringify({ requests }),
      };
    },
    parseResponse(json) {
      const parsed = batchEmbedResponseSchema.safeParse(json);
      if (!parsed.success) return errorEvent('UPSTREAM_ERROR', 'Gemini answered embeddings in an unexpected shape');
      return {
        vectors: parsed.data.embeddings.map((item) => item.values),
        inputTokens: parsed.data.usageMetadata?.promptTokenCount ?? null,
      };
    },
  };
}
