import type { BuildContext, ProviderAdapter, UpstreamRequest } from '../adapter.js';
import type { ParsedChatRequest } from '../canonical-request.js';
import { bodyJson } from '../json-text.js';
import { buildCompatibleBody } from './convert-request.js';
import { createCompatibleEmbeddings } from './embeddings.js';
import { classifyCompatibleError } from './errors.js';
import type { OpenAiCompatibleOptions } from './options.js';
import { parseCompletion, parseCompletionStream } from './parse-response.js';

/** `{base}/chat/completions`, tolerating a trailing slash on the base. */
function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * One adapter for every OpenAI Chat Completions–compatible upstream; the
 * options carry each provider's quirks.
 */
export function createOpenAiCompatibleAdapter(options: OpenAiCompatibleOptions): ProviderAdapter {
  const authHeaders = (apiKey: string): Record<string, string> => ({
    // Self-hosted servers (Ollama, llama.cpp) often run without a key.
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...options.headers,
  });
  return {
    kind: 'openai-compatible',
    authHeaders,
    keyCheckPath: '/models',
    buildRequest(parsed: ParsedChatRequest, context: BuildContext): UpstreamRequest {
      return {
        url: chatCompletionsUrl(context.baseUrl),
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: context.stream ? 'text/event-stream' : 'application/json',
          ...authHeaders(context.apiKey),
        },
        // The messages and tools as the gateway measured them, not written again (json-text.ts).
        body: bodyJson(buildCompatibleBody(parsed, context, options)),
      };
    },
    parseResponse: parseCompletion,
    parseStream: parseCompletionStream,
    classifyError: classifyCompatibleError,
    ...(options.embeddings ? { embeddings: createCompatibleEmbeddings(authHeaders, options.embeddings) } : {}),
  };
}
