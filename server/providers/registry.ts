/**
 * Provider id → adapter, default base URL, env-variable prefix, key format (with an example key),
 * redaction pattern and price-data id: the one place the server reads every fact about a provider.
 * Adapters and base URLs are written here; the facts the catalog and the failure classifier also
 * need (name, price-data id, key format, redaction) are written once in `shared/catalog/providers.ts`.
 * The only server file that lists providers.
 */
import { GENERIC_KEY_FORMAT, isProviderId, type KeyFormat, PROVIDERS, type ProviderId } from '../../shared/catalog/providers.js';
import type { ProviderAdapter } from './adapter.js';
import { createAnthropicAdapter } from './anthropic/anthropic.adapter.js';
import { createGoogleAdapter } from './google/google.adapter.js';
import { createMistralAdapter } from './mistral/mistral.adapter.js';
import { createOpenAiAdapter } from './openai/openai.adapter.js';
import { createOpenAiCompatibleAdapter } from './openai-compatible/openai-compatible.adapter.js';
import { CUSTOM_PROVIDER_OPTIONS, type OpenAiCompatibleOptions } from './openai-compatible/options.js';

export interface ProviderRegistration {
  id: string;
  /** Display name ("Together AI"); the id for a custom provider. */
  name: string;
  adapter: ProviderAdapter;
  /** Public base URL, in the form the provider's own SDK takes. */
  defaultBaseUrl: string;
  /** `<P>` of `<P>_API_KEY`, `<P>_API_KEY_1…N`, `<P>_BASE_URL`. */
  envPrefix: string;
  /** What the provider's keys look like; the generic format for custom providers. */
  keyFormat: KeyFormat;
  /** Matches the provider's keys (masked ones too) in upstream text; null when they have no recognisable shape. */
  redaction: RegExp | null;
  /** The provider's id in the price data; null for custom providers, which have no prices. */
  priceDataId: string | null;
  /** True for an organization-defined OpenAI-compatible provider. */
  custom: boolean;
}

/** `<P>` for a provider id: upper-cased, `-` → `_`. */
export function envPrefix(id: string): string {
  return id.toUpperCase().replace(/-/g, '_');
}

function compatible(options: Partial<OpenAiCompatibleOptions>): ProviderAdapter {
  return createOpenAiCompatibleAdapter({ ...CUSTOM_PROVIDER_OPTIONS, ...options });
}

const BUILT_IN: Record<ProviderId, { adapter: ProviderAdapter; defaultBaseUrl: string }> = {
  openai: { adapter: createOpenAiAdapter(), defaultBaseUrl: 'https://api.openai.com/v1' },
  anthropic: { adapter: createAnthropicAdapter(), defaultBaseUrl: 'https://api.anthropic.com' },
  google: { adapter: createGoogleAdapter(), defaultBaseUrl: 'https://generativelanguage.googleapis.com' },
  mistral: { adapter: createMistralAdapter(), defaultBaseUrl: 'https://api.mistral.ai/v1' },
  groq: {
    // Groq answers 400 to OpenAI fields it lacks (logprobs, logit_bias), so only its own extras pass.
    adapter: compatible({
      extraFields: ['reasoning_effort', 'reasoning_format', 'include_reasoning', 'service_tier', 'search_settings'],
      maxTokensField: 'as-sent',
    }),
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
  },
  together: { adapter: compatible({ extraFields: 'all', embeddings: {} }), defaultBaseUrl: 'https://api.together.xyz/v1' },
  fireworks: { adapter: compatible({ extraFields: 'all', embeddings: {} }), defaultBaseUrl: 'https://api.fireworks.ai/inference/v1' },
  deepseek: {
    adapter: compatible({ extraFields: ['logprobs', 'top_logprobs', 'thinking'] }),
    defaultBaseUrl: 'https://api.deepseek.com',
  },
};

const REGISTRATIONS: ReadonlyMap<ProviderId, ProviderRegistration> = new Map(
  PROVIDERS.map((facts) => [
    facts.id,
    {
      id: facts.id,
      name: facts.name,
      ...BUILT_IN[facts.id],
      envPrefix: envPrefix(facts.id),
      keyFormat: facts.key,
      redaction: facts.redaction,
      priceDataId: facts.priceDataId,
      custom: false,
    },
  ]),
);

/** The registration of a built-in provider, or undefined for unknown ids. */
export function getProvider(id: string): ProviderRegistration | undefined {
  return isProviderId(id) ? REGISTRATIONS.get(id) : undefined;
}

/** Every built-in provider, in catalog order. */
export function listProviders(): ProviderRegistration[] {
  return [...REGISTRATIONS.values()];
}

/** `<P>_BASE_URL` from the environment, else the provider's public URL. */
export function resolveBaseUrl(
  registration: Pick<ProviderRegistration, 'envPrefix' | 'defaultBaseUrl'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const fromEnv = env[`${registration.envPrefix}_BASE_URL`]?.trim();
  return fromEnv || registration.defaultBaseUrl;
}

export interface CustomProviderConfig {
  /** Lower-case id chosen by the organization (e.g. `ollama-lab`); must not shadow a built-in id. */
  id: string;
  /** The server's OpenAI-style base URL, e.g. `http://10.0.0.5:11434/v1`. */
  baseUrl: string;
  options?: Partial<OpenAiCompatibleOptions>;
}

/** A registration for an organization-defined OpenAI-compatible provider (Ollama, vLLM, llama.cpp…). */
export function createCustomProvider(config: CustomProviderConfig): ProviderRegistration {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(config.id)) {
    throw new Error(`Custom provider id "${config.id}" must be lower-case letters, digits and dashes`);
  }
  if (isProviderId(config.id)) throw new Error(`Custom provider id "${config.id}" is a built-in provider`);
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    throw new Error(`Custom provider base URL "${config.baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('Custom provider base URL must use http or https');
  }
  return {
    id: config.id,
    name: config.id,
    // Ollama, vLLM and llama.cpp serve OpenAI's `/v1/embeddings` too.
    adapter: compatible({ embeddings: {}, ...config.options }),
    defaultBaseUrl: config.baseUrl,
    envPrefix: envPrefix(config.id),
    keyFormat: GENERIC_KEY_FORMAT,
    redaction: null,
    priceDataId: null,
    custom: true,
  };
}

/**
 * A made-up key in the provider's format, as long as its example key: the prefix, then letters and
 * digits from `randomChars` (every key charset allows those). For demo data and tests.
 */
export function generateKey(format: KeyFormat, randomChars: (length: number) => string): string {
  return format.prefix + randomChars(format.example.length - format.prefix.length);
}
