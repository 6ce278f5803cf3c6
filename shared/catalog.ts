/**
 * The model catalog: which models keyplane offers, which providers serve each
 * one (under the provider's own name) and at what price. Prices come from
 * @pydantic/genai-prices with a dated overlay of corrections; the "same model"
 * mapping is keyplane's own table. Imports nothing from server/ or web/.
 */
import { MODEL_TABLE, type ModelId } from './catalog/model-table.js';
import type { ProviderId } from './catalog/providers.js';
import { baseRate, contextWindow, type PriceQuote, publishedPrice } from './catalog/published-price.js';

export type { ModelId } from './catalog/model-table.js';
export { MODEL_TABLE } from './catalog/model-table.js';
export type { PriceOverlayEntry } from './catalog/price-overlay.js';
export { PRICE_OVERLAY } from './catalog/price-overlay.js';
export type { ProviderId } from './catalog/providers.js';
export { isProviderId, PROVIDER_IDS, PROVIDERS, providerDisplayName } from './catalog/providers.js';
export type { PriceQuote } from './catalog/published-price.js';
export { baseRate, publishedPrice } from './catalog/published-price.js';

/**
 * A published price: the rates billing applies (with long-context tiers) and, for lists, each
 * rate's base in USD per 1M tokens.
 */
export interface ModelPrice extends PriceQuote {
  input: number;
  /** Price of input tokens served from the provider's prompt cache; null when the provider has none. */
  cachedInput: number | null;
  /** Price of (5-minute) prompt-cache writes; null when billed as input. */
  cacheWrite: number | null;
  output: number;
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

/** A provider's published price for one of its own model names; null when no source has one. */
export function priceFor(provider: ProviderId, providerModel: string): ModelPrice | null {
  const quote = publishedPrice(provider, providerModel);
  if (!quote) return null;
  const { input, cachedInput, cacheWrite, output } = quote.rates;
  return {
    ...quote,
    input: baseRate(input),
    cachedInput: cachedInput === null ? null : baseRate(cachedInput),
    cacheWrite: cacheWrite === null ? null : baseRate(cacheWrite),
    output: baseRate(output),
  };
}

function buildCatalog(): readonly CatalogModel[] {
  return (Object.keys(MODEL_TABLE) as ModelId[]).map((id) => {
    const entry = MODEL_TABLE[id];
    const offers = (Object.entries(entry.offers) as [ProviderId, string][]).map(([provider, providerModel]) => {
      return {
        provider,
        providerModel,
        price: priceFor(provider, providerModel),
        contextWindow: contextWindow(provider, providerModel),
        // The price data has no output ceiling; reservations then assume their default.
        maxOutputTokens: null,
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

/** The offer of one provider for one model, by keyplane id or the provider's own name. */
export function findOffer(provider: ProviderId, model: string): { model: CatalogModel; offer: ModelOffer } | undefined {
  for (const m of CATALOG) {
    const offer = m.offers.find((o) => o.provider === provider && (m.id === model || o.providerModel === model));
    if (offer) return { model: m, offer };
  }
  return undefined;
}
