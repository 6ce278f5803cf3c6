import { isProviderId } from '../../../shared/catalog/providers.js';
import { publishedPrice, webSearchPrice } from '../../../shared/catalog/published-price.js';
import type { CatalogOverrides, PriceOverride } from '../../domain/catalog/catalog-overrides.js';
import type { BillingRates } from './pricing.js';

/** The rates a call is billed at, where they come from, and since when. */
export interface BillingQuote {
  rates: BillingRates;
  /** `override <id> (organization|global) from <date>`, `overlay <date>` or the price data's name and version. */
  source: string;
  /** ISO date (YYYY-MM-DD) the rates were read, or the override took effect. */
  readOn: string;
}

/** What is being priced: a provider's own model name, for an organization, at the request's start. */
export interface PricedModel {
  provider: string;
  providerModel: string;
  organizationId: string;
  at: Date;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * An operator's override on top of the published price: a null cache rate keeps the lower
 * layer's; searches keep the published price, or the provider's usual one for a model it does
 * not publish.
 */
function withOverride(override: PriceOverride, below: BillingRates | null, webSearch: number | null): BillingQuote {
  const from = day(override.effectiveFrom);
  return {
    rates: {
      input: override.input,
      cachedInput: override.cachedInput ?? below?.cachedInput ?? null,
      cacheWrite: override.cacheWrite ?? below?.cacheWrite ?? null,
      cacheWrite1h: override.cacheWrite1h ?? below?.cacheWrite1h ?? null,
      output: override.output,
      webSearch: below?.webSearch ?? webSearch,
    },
    source: `override ${override.id} (${override.scope}) from ${from}`,
    readOn: from,
  };
}

/**
 * The price of one call, first that has one: an operator's override in effect at `at` (the
 * organization's, else the global one), the dated overlay, the price data. Null: nobody prices
 * the model, and the call is recorded with costKnown = false.
 */
export async function lookupPrice(overrides: CatalogOverrides, model: PricedModel): Promise<BillingQuote | null> {
  const { provider, providerModel, organizationId, at } = model;
  // Custom providers have no published price, but an operator may still set one.
  const published = isProviderId(provider) ? publishedPrice(provider, providerModel, at) : null;
  const override = await overrides.priceOverride(provider, providerModel, organizationId, at);
  if (!override) return published;
  return withOverride(override, published?.rates ?? null, isProviderId(provider) ? webSearchPrice(provider, providerModel) : null);
}

/**
 * Offers priced for this organization at the request's start (overrides included), so routing
 * compares, reservations hold and settlement bills the same rates.
 */
export function priceOffers<T extends { provider: string; providerModel: string; prices: BillingQuote | null }>(
  offers: readonly T[],
  overrides: CatalogOverrides,
  organizationId: string,
  at: Date,
): Promise<T[]> {
  return Promise.all(
    offers.map(async (offer) => ({
      ...offer,
      prices: await lookupPrice(overrides, { provider: offer.provider, providerModel: offer.providerModel, organizationId, at }),
    })),
  );
}
