import type { ProviderAdapter } from '../adapter.js';
import { createOpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter.js';

/**
 * OpenAI is the reference of the OpenAI-compatible format, so its adapter is
 * that adapter with the most permissive settings: every field as sent.
 */
export function createOpenAiAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter({
    extraFields: 'all',
    maxTokensField: 'as-sent',
    streamUsage: 'stream_options',
    developerRole: 'developer',
  });
}
