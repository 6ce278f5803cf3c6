import type { BuildContext, ProviderAdapter, UpstreamRequest } from '../adapter.js';
import type { ParsedChatRequest } from '../canonical-request.js';
import { buildGenerateBody } from './convert-request.js';
import { createGoogleEmbeddings } from './embeddings.js';
import { classifyGoogleError } from './errors.js';
import { parseGenerateResponse, parseGenerateStream } from './parse-response.js';

/** Gemini API (`{base}/v1beta/models/{model}:generateContent` / `:streamGenerateContent?alt=sse`). */
export function createGoogleAdapter(): ProviderAdapter {
  const authHeaders = (apiKey: string) => ({ 'x-goog-api-key': apiKey });
  return {
    kind: 'google',
    authHeaders,
    keyCheckPath: '/v1beta/models?pageSize=1',
    buildRequest(parsed: ParsedChatRequest, context: BuildContext): UpstreamRequest {
      const base = context.baseUrl.replace(/\/+$/, '');
      const method = context.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      return {
        url: `${base}/v1beta/models/${encodeURIComponent(context.upstreamModel)}:${method}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: context.stream ? 'text/event-stream' : 'application/json',
          ...authHeaders(context.apiKey),
        },
        body: JSON.stringify(buildGenerateBody(parsed)),
      };
    },
    parseResponse: parseGenerateResponse,
    parseStream: parseGenerateStream,
    classifyError: classifyGoogleError,
    embeddings: createGoogleEmbeddings(authHeaders),
  };
}
