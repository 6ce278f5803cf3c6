import type { ProviderId } from './providers.js';

/**
 * keyplane's own table: which provider entries are the SAME model, under which
 * name each provider serves it. Prices come from @pydantic/genai-prices and the
 * overlay; this table only says "these are one model".
 */
export const MODEL_TABLE = {
  // OpenAI
  'gpt-5': { name: 'GPT-5', offers: { openai: 'gpt-5' } },
  'gpt-5-mini': { name: 'GPT-5 Mini', offers: { openai: 'gpt-5-mini' } },
  'gpt-5-nano': { name: 'GPT-5 Nano', offers: { openai: 'gpt-5-nano' } },
  'gpt-4.1': { name: 'GPT-4.1', offers: { openai: 'gpt-4.1' } },
  'gpt-4.1-mini': { name: 'GPT-4.1 Mini', offers: { openai: 'gpt-4.1-mini' } },
  'gpt-4.1-nano': { name: 'GPT-4.1 Nano', offers: { openai: 'gpt-4.1-nano' } },
  'gpt-4o': { name: 'GPT-4o', offers: { openai: 'gpt-4o' } },
  'gpt-4o-mini': { name: 'GPT-4o Mini', offers: { openai: 'gpt-4o-mini' } },
  o3: { name: 'o3', offers: { openai: 'o3' } },
  'o4-mini': { name: 'o4-mini', offers: { openai: 'o4-mini' } },
  // Anthropic: keyplane ids drop the snapshot date; the provider name pins it.
  'claude-opus-4-5': { name: 'Claude Opus 4.5', offers: { anthropic: 'claude-opus-4-5-20251101' } },
  'claude-sonnet-4-5': { name: 'Claude Sonnet 4.5', offers: { anthropic: 'claude-sonnet-4-5-20250929' } },
  'claude-haiku-4-5': { name: 'Claude Haiku 4.5', offers: { anthropic: 'claude-haiku-4-5-20251001' } },
  'claude-opus-4-1': { name: 'Claude Opus 4.1', offers: { anthropic: 'claude-opus-4-1-20250805' } },
  'claude-opus-4': { name: 'Claude Opus 4', offers: { anthropic: 'claude-opus-4-20250514' } },
  'claude-sonnet-4': { name: 'Claude Sonnet 4', offers: { anthropic: 'claude-sonnet-4-20250514' } },
  // Google
  'gemini-2.5-pro': { name: 'Gemini 2.5 Pro', offers: { google: 'gemini-2.5-pro' } },
  'gemini-2.5-flash': { name: 'Gemini 2.5 Flash', offers: { google: 'gemini-2.5-flash' } },
  'gemini-2.0-flash': { name: 'Gemini 2.0 Flash', offers: { google: 'gemini-2.0-flash' } },
  'gemini-2.0-flash-lite': { name: 'Gemini 2.0 Flash-Lite', offers: { google: 'gemini-2.0-flash-lite' } },
  // Mistral
  'mistral-large': { name: 'Mistral Large', offers: { mistral: 'mistral-large-latest' } },
  'mistral-medium': { name: 'Mistral Medium', offers: { mistral: 'mistral-medium-latest' } },
  'mistral-small': { name: 'Mistral Small', offers: { mistral: 'mistral-small-latest' } },
  'magistral-medium': { name: 'Magistral Medium', offers: { mistral: 'magistral-medium-latest' } },
  codestral: { name: 'Codestral', offers: { mistral: 'codestral-latest' } },
  'pixtral-large': { name: 'Pixtral Large', offers: { mistral: 'pixtral-large-latest' } },
  'ministral-8b': { name: 'Ministral 8B', offers: { mistral: 'ministral-8b-latest' } },
  'ministral-3b': { name: 'Ministral 3B', offers: { mistral: 'ministral-3b-latest' } },
  // Open-weight models, several served by more than one provider.
  'gpt-oss-120b': {
    name: 'gpt-oss-120b',
    offers: {
      groq: 'openai/gpt-oss-120b',
      together: 'openai/gpt-oss-120b',
      fireworks: 'accounts/fireworks/models/gpt-oss-120b',
    },
  },
  'gpt-oss-20b': {
    name: 'gpt-oss-20b',
    offers: { groq: 'openai/gpt-oss-20b', fireworks: 'accounts/fireworks/models/gpt-oss-20b' },
  },
  'llama-3.3-70b': {
    name: 'Llama 3.3 70B',
    offers: { groq: 'llama-3.3-70b-versatile', together: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' },
  },
  'deepseek-v3': {
    name: 'DeepSeek V3',
    offers: {
      together: 'deepseek-ai/DeepSeek-V3',
      fireworks: 'accounts/fireworks/models/deepseek-v3-0324',
      deepseek: 'deepseek-chat',
    },
  },
  'kimi-k2': {
    name: 'Kimi K2',
    offers: {
      groq: 'moonshotai/kimi-k2-instruct',
      together: 'moonshotai/Kimi-K2-Instruct',
      fireworks: 'accounts/fireworks/models/kimi-k2-instruct',
    },
  },
  'llama-3.1-8b': { name: 'Llama 3.1 8B', offers: { groq: 'llama-3.1-8b-instant' } },
  'llama-4-maverick': {
    name: 'Llama 4 Maverick',
    offers: { groq: 'meta-llama/llama-4-maverick-17b-128e-instruct' },
  },
  'llama-4-scout': { name: 'Llama 4 Scout', offers: { groq: 'meta-llama/llama-4-scout-17b-16e-instruct' } },
  'qwen3-32b': { name: 'Qwen3 32B', offers: { groq: 'qwen/qwen3-32b' } },
  'qwen3-235b-a22b': { name: 'Qwen3 235B A22B', offers: { fireworks: 'accounts/fireworks/models/qwen3-235b-a22b' } },
  'deepseek-reasoner': { name: 'DeepSeek Reasoner', offers: { deepseek: 'deepseek-reasoner' } },
} as const satisfies Record<string, { name: string; offers: Partial<Record<ProviderId, string>> }>;

export type ModelId = keyof typeof MODEL_TABLE;
