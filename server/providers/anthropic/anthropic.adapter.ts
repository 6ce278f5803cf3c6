import type { BuildContext, ProviderAdapter, UpstreamRequest } from '../adapter.js';
import type { ParsedChatRequest } from '../canonical-request.js';
import { buildMessagesBody } from './convert-request.js';
import { classifyAnthropicError } from './errors.js';
import { parseMessage, parseMessageStream } from './parse-response.js';

/** The Messages API version keyplane speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic Messages API (`POST {base}/v1/messages`), a real translation from Chat Completions. */
export function createAnthropicAdapter(): ProviderAdapter {
  const authHeaders = (apiKey: string) => ({ 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION });
  return {
    kind: 'anthropic',
    authHeaders,
    keyCheckPath: '/v1/models?limit=1',
    buildRequest(parsed: ParsedChatRequest, context: BuildContext): UpstreamRequest {
      return {
        url: `${context.baseUrl.replace(/\/+$/, '')}/v1/messages`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: context.stream ? 'text/event-stream' : 'application/json',
          ...authHeaders(context.apiKey),
        },
        body: JSON.stringify(buildMessagesBody(parsed, context)),
      };
    },
    parseResponse: parseMessage,
    parseStream: parseMessageStream,
    classifyError: classifyAnthropicError,
  };
}
