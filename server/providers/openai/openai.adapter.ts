import type { ProviderAdapter } from '../adapter.js';
import { createOpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter.js';

/**
 * OpenAI is the reference of the OpenAI-compatible format, so its adapter is
 * that adapter with the most permissive settings: every field as sent. Its own `kind` tells
 * front doors whose format only OpenAI itself speaks (Responses) that they may pass through.
 */
export function createOpenAiAdapter(): ProviderAdapter {
  const adapter = createOpenAiCompatibleAdapter({
    extraFields: 'all',
    maxTokensField: 'as-sent',
    streamUsage: 'stream_options',
    developerRole: 'developer',
    embeddings: {},
  });
  return { ...adapter, kind: 'openai' };
}
