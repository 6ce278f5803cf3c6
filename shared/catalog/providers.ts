/**
 * The upstream providers keyplane knows by name. Organization-defined custom
 * OpenAI-compatible providers are not listed here; they live in the database.
 */
export const PROVIDERS = [
  { id: 'openai', name: 'OpenAI', tokenlensId: 'openai' },
  { id: 'anthropic', name: 'Anthropic', tokenlensId: 'anthropic' },
  { id: 'google', name: 'Google Gemini', tokenlensId: 'google' },
  { id: 'mistral', name: 'Mistral AI', tokenlensId: 'mistral' },
  { id: 'groq', name: 'Groq', tokenlensId: 'groq' },
  { id: 'together', name: 'Together AI', tokenlensId: 'togetherai' },
  { id: 'fireworks', name: 'Fireworks AI', tokenlensId: 'fireworks-ai' },
  { id: 'deepseek', name: 'DeepSeek', tokenlensId: 'deepseek' },
] as const;

export type ProviderId = (typeof PROVIDERS)[number]['id'];
export type ProviderInfo = (typeof PROVIDERS)[number];

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((p) => p.id);

/** True when `value` is one of keyplane's built-in provider ids. */
export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/** Human-readable name for a provider id ("Together AI"); the id itself for unknown ids. */
export function providerDisplayName(id: string): string {
  return PROVIDERS.find((p) => p.id === id)?.name ?? id;
}
