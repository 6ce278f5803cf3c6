import { matchPriceDataModel, priceDataModels, type TieredRate } from '../../../shared/catalog/price-data.js';
import { baseRate, publishedPrice } from '../../../shared/catalog/published-price.js';
import { CATALOG, isProviderId, PROVIDER_IDS } from '../../../shared/catalog.js';
import type { ModelPriceOverride } from '../../db/generated/client.js';
import type { Actor } from '../actor.js';
import { appliesAt } from '../catalog/cached-catalog-overrides.js';
import type { CatalogService } from '../catalog/catalog.service.js';

/** A price per 1M tokens as a list shows it: each rate's base, tiers in words, source and date. */
export interface PriceView {
  input: number;
  cachedInput: number | null;
  cacheWrite: number | null;
  cacheWrite1h: number | null;
  output: number;
  /** e.g. `over 200k input tokens: input $2.5, output $15`; null without long-context tiers. */
  tiers: string | null;
  /** The data package and version, `overlay <date>`, or `override`. */
  source: string;
  readOn: string;
}

export interface OfferView {
  provider: string;
  providerModel: string;
  price: PriceView | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** The operators' overrides the viewer may see, in effect now or from a later date. */
  overrides: ModelPriceOverride[];
}

export interface ModelView {
  id: string;
  name: string;
  offers: OfferView[];
}

interface ListedModel {
  id: string;
  name: string;
  offers: readonly { provider: string; providerModel: string; contextWindow: number | null; maxOutputTokens: number | null }[];
}

/** Built from static data, so kept a while: hundreds of models and thousands of match rules. */
const LIST_TTL_MS = 60_000;

function tierSummary(rates: Record<string, TieredRate | null>): string | null {
  const byStart = new Map<number, string[]>();
  for (const [kind, rate] of Object.entries(rates)) {
    if (rate === null || typeof rate === 'number') continue;
    for (const tier of rate.tiers) byStart.set(tier.start, [...(byStart.get(tier.start) ?? []), `${kind} $${tier.price}`]);
  }
  if (byStart.size === 0) return null;
  const tokens = (start: number) => (start % 1000 === 0 ? `${start / 1000}k` : String(start));
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, parts]) => `over ${tokens(start)} input tokens: ${parts.join(', ')}`)
    .join('; ');
}

function publishedView(provider: string, providerModel: string): PriceView | null {
  const quote = isProviderId(provider) ? publishedPrice(provider, providerModel) : null;
  if (!quote) return null;
  const { input, cachedInput, cacheWrite, cacheWrite1h, output } = quote.rates;
  const base = (rate: TieredRate | null) => (rate === null ? null : baseRate(rate));
  return {
    input: baseRate(input),
    cachedInput: base(cachedInput),
    cacheWrite: base(cacheWrite),
    cacheWrite1h: base(cacheWrite1h),
    output: baseRate(output),
    tiers: tierSummary({ input, cachedInput, cacheWrite, cacheWrite1h, output }),
    source: quote.source,
    readOn: quote.readOn,
  };
}

/** A global override in effect replaces the published price in the list; an organization's stays in `overrides`. */
function overrideView(row: ModelPriceOverride, published: PriceView | null): PriceView {
  const num = (value: { toString(): string } | null, fallback: number | null) => (value === null ? fallback : Number(value.toString()));
  return {
    input: Number(row.inputUsdPerMtok.toString()),
    cachedInput: num(row.cachedInputUsdPerMtok, published?.cachedInput ?? null),
    cacheWrite: num(row.cacheWriteUsdPerMtok, published?.cacheWrite ?? null),
    cacheWrite1h: num(row.cacheWrite1hUsdPerMtok, published?.cacheWrite1h ?? null),
    output: Number(row.outputUsdPerMtok.toString()),
    tiers: null,
    source: 'override',
    readOn: row.effectiveFrom.toISOString().slice(0, 10),
  };
}

/**
 * The model catalog as the API presents it: keyplane's cross-provider table, then every other
 * model the price data lists per provider, each offer with its published price (or the global
 * override in effect), where that price comes from, and the overrides the viewer may see.
 */
export class ModelCatalogService {
  private models: { at: number; list: readonly ListedModel[] } | null = null;

  constructor(private readonly catalog: CatalogService) {}

  async list(actor: Actor): Promise<ModelView[]> {
    const now = new Date();
    const overrides = await this.catalog.overridesByOffer(actor, now);
    return this.catalogModels().map((model) => ({
      id: model.id,
      name: model.name,
      offers: model.offers.map((offer) => {
        const own = overrides.get(`${offer.provider}\n${offer.providerModel}`) ?? [];
        const published = publishedView(offer.provider, offer.providerModel);
        const global = own.find((row) => row.organizationId === null && appliesAt(row, now));
        return {
          provider: offer.provider,
          providerModel: offer.providerModel,
          price: global ? overrideView(global, published) : published,
          contextWindow: offer.contextWindow,
          maxOutputTokens: offer.maxOutputTokens,
          overrides: own,
        };
      }),
    }));
  }

  /** The table's models, then each data model no table offer already stands for (grouped by the data's id). */
  private catalogModels(): readonly ListedModel[] {
    if (this.models && Date.now() - this.models.at < LIST_TTL_MS) return this.models.list;
    const covered = new Set<string>();
    for (const model of CATALOG)
      for (const offer of model.offers) {
        const data = matchPriceDataModel(offer.provider, offer.providerModel);
        if (data) covered.add(`${offer.provider}\n${data.id}`);
      }
    const extra = new Map<string, { id: string; name: string; offers: ListedModel['offers'][number][] }>();
    for (const provider of PROVIDER_IDS)
      for (const data of priceDataModels(provider)) {
        if (covered.has(`${provider}\n${data.id}`)) continue;
        const model = extra.get(data.id) ?? { id: data.id, name: data.name, offers: [] };
        model.offers.push({ provider, providerModel: data.id, contextWindow: data.contextWindow, maxOutputTokens: null });
        extra.set(data.id, model);
      }
    const list: ListedModel[] = [...CATALOG, ...extra.values()];
    this.models = { at: Date.now(), list };
    return list;
  }
}
