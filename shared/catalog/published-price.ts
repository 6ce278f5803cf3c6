/**
 * A provider's published price for one of its models, before any operator override: the
 * dated overlay of corrections wins, then the maintained price data. Operators' overrides sit
 * on top of this in the gateway (server/gateway/billing/price-lookup.ts).
 */

import { boundedMemo } from '../bounded-memo.js';
import {
  matchPriceDataModel,
  PRICE_DATA_SOURCE,
  type PriceDataRates,
  priceDataModels,
  priceDataRates,
  type TieredRate,
} from './price-data.js';
import { PRICE_OVERLAY, type PriceOverlayEntry } from './price-overlay.js';
import type { ProviderId } from './providers.js';

/** Rates per 1M tokens, where they come from, and the date they were read. */
export interface PriceQuote {
  rates: PriceDataRates;
  /** `@pydantic/genai-prices 0.1.8`, `overlay 2026-11-23`, `override <id> (organization) from 2026-12-01`. */
  source: string;
  /** ISO date (YYYY-MM-DD) the rates were read, or an override took effect. */
  readOn: string;
}

/** The date the bundled price data was checked against providers' pricing pages (see the catalog notes). */
export const PRICE_DATA_READ_ON = '2026-11-30';

/** The base (below every long-context tier) of a rate: what a price list shows first. */
export function baseRate(rate: TieredRate): number {
  return typeof rate === 'number' ? rate : rate.base;
}

function overlayFor(provider: ProviderId, providerModel: string): PriceOverlayEntry | undefined {
  return overlayOnce(`${provider}\n${providerModel}`);
}

// Matching a name's family against every overlay row runs the data's match rules per row: once per name is enough.
const overlayOnce = boundedMemo((key: string): PriceOverlayEntry | undefined => {
  const cut = key.indexOf('\n');
  const provider = key.slice(0, cut) as ProviderId;
  const providerModel = key.slice(cut + 1);
  const exact = PRICE_OVERLAY.find((e) => e.provider === provider && e.providerModel === providerModel);
  if (exact) return exact;
  // A dated snapshot or `-latest` name of a corrected model takes the correction too.
  const family = matchPriceDataModel(provider, providerModel)?.id;
  if (family === undefined) return undefined;
  return PRICE_OVERLAY.find((e) => e.provider === provider && matchPriceDataModel(provider, e.providerModel)?.id === family);
});

/**
 * What a provider charges per 1,000 web searches when the data names no price for the model: the
 * price most of its models have ($10 for OpenAI and Anthropic). Searches are priced per provider
 * and tool, not per model, and the data leaves some searching models out (Codex's, the
 * deep-research ones); null for a provider whose models have none.
 */
const providerSearchPrice = boundedMemo((provider: string): number | null => {
  const counts = new Map<number, number>();
  for (const model of priceDataModels(provider as ProviderId)) {
    const price = priceDataRates(model)?.webSearch;
    if (price != null) counts.set(price, (counts.get(price) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
});

/** The search price of a provider's model: the data's for its family, else the provider's usual one (searches have no dated or hourly prices). */
export const webSearchPrice = (provider: ProviderId, providerModel: string): number | null =>
  dataWebSearchOnce(`${provider}\n${providerModel}`);

const dataWebSearchOnce = boundedMemo((key: string): number | null => {
  const cut = key.indexOf('\n');
  const provider = key.slice(0, cut) as ProviderId;
  const model = matchPriceDataModel(provider, key.slice(cut + 1));
  return (model && priceDataRates(model)?.webSearch) ?? providerSearchPrice(provider);
});

/** Tokens of context of a provider's model: the price data's figure, else the overlay's; null when neither has one. */
export function contextWindow(provider: ProviderId, providerModel: string): number | null {
  return matchPriceDataModel(provider, providerModel)?.contextWindow ?? overlayFor(provider, providerModel)?.contextWindow ?? null;
}

/**
 * The published price of a provider's model at `at`: the overlay's correction when there is
 * one, else the price data's rates; null when neither knows the model.
 */
export function publishedPrice(provider: ProviderId, providerModel: string, at: Date = new Date()): PriceQuote | null {
  const overlay = overlayFor(provider, providerModel);
  if (overlay) {
    const { input, cachedInput, cacheWrite = null, cacheWrite1h = null, output, readOn } = overlay;
    // The overlay corrects token rates; a search price it does not name is the data's.
    const webSearch = overlay.webSearch ?? webSearchPrice(provider, providerModel);
    return { rates: { input, cachedInput, cacheWrite, cacheWrite1h, output, webSearch }, source: `overlay ${readOn}`, readOn };
  }
  const model = matchPriceDataModel(provider, providerModel);
  const rates = model ? priceDataRates(model, at) : null;
  if (!rates) return null;
  if (rates.webSearch === null) rates.webSearch = webSearchPrice(provider, providerModel);
  return { rates, source: PRICE_DATA_SOURCE, readOn: PRICE_DATA_READ_ON };
}
