import { matchPriceDataModel } from '../../../shared/catalog/price-data.js';
import { findModel, isProviderId, PROVIDER_IDS } from '../../../shared/catalog.js';
import { badInput } from '../errors.js';
import { parseDecimal } from '../money.js';

/** A provider's own model name: what `provider/<name>` may carry (fine-tunes have `:`, some names `/` or `@`). */
const PROVIDER_MODEL = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,199}$/;
/** An alias name: one word a client sends as `model`, never `provider/…`. */
const ALIAS_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
/** Highest price per 1M tokens an operator may set, in USD: a typo guard, far above any real price. */
const MAX_USD_PER_MTOK = 100_000;
export const MAX_ALIAS_TARGETS = 10;
const MAX_ACCESS_ENTRIES = 500;

export function parseProvider(provider: string): string {
  const id = provider.trim();
  if (!isProviderId(id)) throw badInput(`provider must be one of ${PROVIDER_IDS.join(', ')}`);
  return id;
}

/** The provider's own model name, as sent upstream (`gpt-4o-mini`, not `openai/gpt-4o-mini`). */
export function parseProviderModel(model: string): string {
  const name = model.trim();
  if (!PROVIDER_MODEL.test(name)) throw badInput(`model "${name.slice(0, 100)}" is not a model name`);
  return name;
}

/** USD per 1M tokens as exact decimal text; null stays null (the data's rate applies). */
export function parseUsdPerMtok(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return parseDecimal(field, value, { allowZero: true, max: MAX_USD_PER_MTOK });
}

/** `provider/model` or a bare name, as a request's `model` may be written. */
export function isModelRef(ref: string): boolean {
  const slash = ref.indexOf('/');
  if (slash < 0) return ALIAS_NAME.test(ref) || PROVIDER_MODEL.test(ref);
  return /^[a-z0-9][a-z0-9-]{0,47}$/.test(ref.slice(0, slash)) && PROVIDER_MODEL.test(ref.slice(slash + 1));
}

/** An alias may not shadow a model: not `provider/…`, not a catalog id, not a name the price data knows. */
export function parseAliasName(name: string): string {
  const text = name.trim();
  if (!ALIAS_NAME.test(text)) throw badInput('name must be letters, digits, ".", "_", ":" or "-" (no "/"), at most 100 characters');
  const known = findModel(text) ?? PROVIDER_IDS.map((provider) => matchPriceDataModel(provider, text)).find(Boolean);
  if (known) throw badInput(`"${text}" is already a model name; choose a name no model has`);
  return text;
}

export function parseAliasTargets(name: string, targets: readonly string[]): string[] {
  const list = targets.map((target) => target.trim());
  if (list.length < 1 || list.length > MAX_ALIAS_TARGETS) throw badInput(`targets must list 1 to ${MAX_ALIAS_TARGETS} models`);
  for (const target of list) {
    if (!isModelRef(target)) throw badInput(`"${target.slice(0, 100)}" is not a model: write provider/model or a model name`);
    if (target === name) throw badInput('An alias cannot target itself');
  }
  if (new Set(list).size !== list.length) throw badInput('targets must not repeat a model');
  return list;
}

/** An allow/deny list: model refs, each optionally ending in `*` (a prefix). */
export function parseModelList(field: string, entries: readonly string[]): string[] {
  const list = [...new Set(entries.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
  if (list.length > MAX_ACCESS_ENTRIES) throw badInput(`${field} may hold at most ${MAX_ACCESS_ENTRIES} entries`);
  for (const entry of list) {
    const ref = entry.endsWith('*') ? entry.slice(0, -1) : entry;
    if (ref !== '' && !isModelRef(ref.endsWith('/') ? `${ref}x` : ref))
      throw badInput(`${field}: "${entry.slice(0, 100)}" is not a model, provider/model or prefix*`);
  }
  return list;
}
