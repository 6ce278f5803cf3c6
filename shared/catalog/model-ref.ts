/**
 * A request's `model` resolved against what keyplane knows: its "same model" table (routing
 * choices across providers) and the maintained price data's match rules. `provider/<any name>`
 * always reaches that provider (open names: snapshots, fine-tunes, tomorrow's release); a bare
 * name resolves only when the table or the data knows it. Aliases and organizations' custom
 * providers are the gateway's (they live in the database).
 */
import { CATALOG, findOffer, type ModelOffer, priceFor } from '../catalog.js';
import { matchPriceDataModel, type PriceDataModel, priceDataModels } from './price-data.js';
import { isProviderId, PROVIDERS, type ProviderFacts, type ProviderId } from './providers.js';

/** A request's `model` resolved against the catalog. */
export interface ResolvedModelRef {
  /** The table's id, or the name as written when the table does not list it. */
  id: string;
  /** The offers the request may use: one when a provider was named, else every provider serving the name. */
  offers: readonly ModelOffer[];
  /** The provider named in `provider/model`, or null when routing may choose. */
  pinnedProvider: ProviderId | null;
  /** False for an open `provider/<name>` neither the table nor the price data knows. */
  known: boolean;
}

/** Whether a provider's own API serves a model its price data lists (some data also lists a cloud's resold models). */
export function servesDataModel(provider: ProviderId, id: string): boolean {
  const facts: ProviderFacts | undefined = PROVIDERS.find((p) => p.id === provider);
  return !facts?.unservedPriceData?.test(id);
}

/** The data model a provider serves under this name, if the data knows it. */
function servedMatch(provider: ProviderId, name: string): PriceDataModel | undefined {
  const model = matchPriceDataModel(provider, name);
  return model && servesDataModel(provider, model.id) ? model : undefined;
}

/** An offer for a name the table does not list: sent upstream exactly as written, so a dated snapshot stays pinned. */
function openOffer(provider: ProviderId, name: string, model: PriceDataModel | undefined): ModelOffer {
  return {
    provider,
    providerModel: name,
    price: priceFor(provider, name),
    contextWindow: model?.contextWindow ?? null,
    maxOutputTokens: null,
  };
}

/**
 * Resolve a request's `model`, first match wins:
 * 1. `provider/name` with a built-in provider: the table's offer (by keyplane id or the
 *    provider's own name), else — unless the whole ref is another provider's own name in the
 *    table (`openai/gpt-oss-120b` on groq) — that provider with `name` as written (open).
 * 2. A bare name: the table's id (every provider), a provider's own name in the table, then the
 *    price data's match rules over every built-in provider (the providers that serve it).
 * Undefined for a bare name nobody knows.
 */
export function resolveModelRef(ref: string): ResolvedModelRef | undefined {
  const slash = ref.indexOf('/');
  const prefix = slash > 0 ? ref.slice(0, slash) : '';
  const pinned = isProviderId(prefix) ? prefix : null;
  if (pinned) {
    const name = ref.slice(slash + 1);
    const found = findOffer(pinned, name);
    if (found) return { id: found.model.id, offers: [found.offer], pinnedProvider: pinned, known: true };
  }
  const table = fromTable(ref);
  if (table) return table;
  if (pinned) {
    const name = ref.slice(slash + 1);
    const model = matchPriceDataModel(pinned, name);
    return { id: ref, offers: [openOffer(pinned, name, model)], pinnedProvider: pinned, known: model !== undefined };
  }
  const offers = PROVIDERS.flatMap((p) => {
    const model = servedMatch(p.id, ref);
    return model ? [openOffer(p.id, ref, model)] : [];
  });
  return offers.length > 0 ? { id: ref, offers, pinnedProvider: null, known: true } : undefined;
}

function fromTable(ref: string): ResolvedModelRef | undefined {
  for (const model of CATALOG) {
    const offers = model.id === ref ? model.offers : model.offers.filter((o) => o.providerModel === ref);
    if (offers.length > 0) return { id: model.id, offers, pinnedProvider: null, known: true };
  }
  return undefined;
}

/** Every name a bare ref may be: the table's ids and the data ids each provider serves. */
function knownNames(): readonly string[] {
  const names = new Set<string>(CATALOG.map((m) => m.id));
  for (const p of PROVIDERS) for (const m of priceDataModels(p.id)) if (servesDataModel(p.id, m.id)) names.add(m.id);
  return [...names];
}

let namesCache: readonly string[] | undefined;
let namesSet: ReadonlySet<string> | undefined;

/**
 * The known model name an id routes to (`gpt-4o`, or `openai/gpt-4o` → `gpt-4o`), or null for a
 * name only a caller made up: an open `provider/<anything>`, a custom provider's model, an alias.
 * For labels that must come from a bounded set whatever callers send.
 */
export function knownModelName(id: string): string | null {
  namesCache ??= knownNames();
  namesSet ??= new Set(namesCache);
  if (namesSet.has(id)) return id;
  const slash = id.indexOf('/');
  const rest = slash > 0 && isProviderId(id.slice(0, slash)) ? id.slice(slash + 1) : null;
  return rest !== null && namesSet.has(rest) ? rest : null;
}
let longestName: number | undefined;

const longestNameLength = (names: readonly string[]) => (longestName ??= Math.max(0, ...names.map((name) => name.length)));

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The longest model name a request may carry. Real names (a provider, a path of a model, a
 * version) are well under 200 characters; the name is compared with every known name, logged,
 * and kept in caches, so its length is bounded before any of that.
 */
export const MAX_MODEL_NAME_LENGTH = 256;

/**
 * The known names nearest to an unknown one, nearest first: by edit distance, with names that
 * share a longer prefix first among equals; only those within half the name's length.
 */
export function nearestModelNames(ref: string, limit = 3): string[] {
  namesCache ??= knownNames();
  const wanted = ref.toLowerCase();
  const sharedPrefix = (name: string) => {
    let i = 0;
    while (i < name.length && i < wanted.length && name[i] === wanted[i]) i++;
    return i;
  };
  const threshold = Math.max(2, Math.ceil(wanted.length / 2));
  // An edit distance is at least the difference in length: past this, no name is near enough,
  // and comparing would cost time in proportion to the name (a URL's path can be long).
  if (wanted.length - longestNameLength(namesCache) > threshold) return [];
  return namesCache
    .map((name) => ({ name, distance: editDistance(wanted, name.toLowerCase()), prefix: sharedPrefix(name.toLowerCase()) }))
    .filter((c) => c.distance <= threshold)
    .sort((a, b) => a.distance - b.distance || b.prefix - a.prefix || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}
