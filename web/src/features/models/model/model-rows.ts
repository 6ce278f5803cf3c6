import type { ModelsQuery } from '../../../graphql/generated.js';

type Offer = ModelsQuery['models'][number]['offers'][number];
export type PriceOverrideView = Offer['overrides'][number];

/** One provider's model as the Models table lists it. */
export interface ModelRow {
  /** Unique in the list: one provider's model may stand for more than one catalog model. */
  key: string;
  /** `provider/model`, as a request pins it. */
  ref: string;
  provider: string;
  model: string;
  /** The id to send as `model` when any provider may serve it. */
  modelId: string;
  input: string;
  cachedInput: string;
  cacheWrite: string;
  output: string;
  tiers: string | null;
  source: string;
  readOn: string;
  overrides: readonly PriceOverrideView[];
}

/** USD per 1M tokens as a list shows it; an em dash where there is no such price. */
export function perMillion(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `$${Number(value.toPrecision(12))}`;
}

/** One row per offer, in the API's order; unpriced offers say so. */
export function modelRows(models: ModelsQuery['models']): ModelRow[] {
  return models.flatMap((m) =>
    m.offers.map((offer) => ({
      key: `${m.id} ${offer.provider}/${offer.providerModel}`,
      ref: `${offer.provider}/${offer.providerModel}`,
      provider: offer.provider,
      model: offer.providerModel,
      modelId: m.id,
      input: perMillion(offer.price?.input),
      cachedInput: perMillion(offer.price?.cachedInput),
      cacheWrite: perMillion(offer.price?.cacheWrite),
      output: perMillion(offer.price?.output),
      tiers: offer.price?.tiers ?? null,
      source: offer.price?.source ?? 'unpriced',
      readOn: offer.price?.readOn ?? '—',
      overrides: offer.overrides,
    })),
  );
}

/**
 * Rows whose provider, model, id or source contain every word of the search (case-insensitive),
 * so "openai mini" finds openai's gpt-4o-mini and "override" the overridden ones.
 */
export function filterModelRows(rows: readonly ModelRow[], search: string): readonly ModelRow[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const text = `${row.ref} ${row.modelId} ${row.source}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** An override in one line: its rates, whom it applies to, and from when. */
export function describeOverride(override: PriceOverrideView, organizationName: (id: string) => string): string {
  const who = override.organizationId ? organizationName(override.organizationId) : 'everyone';
  const cached = override.cachedInputUsdPerMtok === null ? '' : `, cached $${override.cachedInputUsdPerMtok}`;
  return `$${override.inputUsdPerMtok} in${cached}, $${override.outputUsdPerMtok} out · ${who} · from ${override.effectiveFrom.slice(0, 16).replace('T', ' ')}`;
}
