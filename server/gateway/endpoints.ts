import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import type { ProviderAdapter } from '../providers/adapter.js';
import { createCustomProvider, getProvider, resolveBaseUrl } from '../providers/registry.js';

/** Where and in which wire format to call one provider. */
export interface Endpoint {
  adapter: ProviderAdapter;
  baseUrl: string;
  /** Set for upstreams a tenant chose: the agent that refuses private addresses. */
  dispatcher?: Dispatcher;
}

/** An organization's custom provider, as the gateway needs it. */
export interface CustomEndpointConfig {
  id: string;
  slug: string;
  baseUrl: string;
  models: readonly string[];
}

/**
 * Endpoints for built-in providers (`<P>_BASE_URL` or the public URL) and organizations'
 * custom ones, built once and reused.
 */
export class Endpoints {
  /** A handful of built-in providers, and custom ones per id and base URL: tenants make the set, hence the bound. */
  private readonly cache = new LRUCache<string, Endpoint>({ max: 10_000 });

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    /** For custom providers; built-in ones (operator-configured `<P>_BASE_URL`) stay trusted. */
    private readonly customDispatcher: Dispatcher,
  ) {}

  builtIn(provider: string): Endpoint {
    let endpoint = this.cache.get(provider);
    if (!endpoint) {
      const registration = getProvider(provider);
      if (!registration) throw new Error(`No adapter registered for provider ${provider}`);
      endpoint = { adapter: registration.adapter, baseUrl: resolveBaseUrl(registration, this.env) };
      this.cache.set(provider, endpoint);
    }
    return endpoint;
  }

  custom(config: CustomEndpointConfig): Endpoint {
    const key = `custom:${config.id}:${config.baseUrl}`;
    let endpoint = this.cache.get(key);
    if (!endpoint) {
      const registration = createCustomProvider({ id: config.slug, baseUrl: config.baseUrl });
      endpoint = { adapter: registration.adapter, baseUrl: config.baseUrl, dispatcher: this.customDispatcher };
      this.cache.set(key, endpoint);
    }
    return endpoint;
  }
}
