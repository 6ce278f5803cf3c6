import type { BuildContext, ProviderAdapter, UpstreamRequest } from '../adapter.js';
import type { ParsedChatRequest } from '../chat-request.js';
import { buildGenerateBody } from './convert-request.js';
import { classifyGoogleError } from './errors.js';
import { parseGenerateResponse, parseGenerateStream } from './parse-response.js';

/** Gemini API (`{base}/v1beta/models/{model}:generateContent` / `:streamGenerateContent?alt=sse`). */
export function createGoogleAdapter(): ProviderAdapter {
  return {
    kind: 'google',
    requestsStreamUsage: false,
    buildRequest(parsed: ParsedChatRequest, context: BuildContext): UpstreamRequest {
      const base = context.baseUrl.replace(/\/+$/, '');
      const method = context.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      return {
        url: `${base}/v1beta/models/${encodeURIComponent(context.upstreamModel)}:${method}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: context.stream ? 'text/event-stream' : 'application/json',
          'x-goog-api-key': context.apiKey,
        },
        body: JSON.stringify(buildGenerateBody(parsed)),
      };
    },
    parseResponse: parseGenerateResponse,
    parseStream: parseGenerateStream,
    classifyError: classifyGoogleError,
  };
}
