import { servesDataModel } from '../../shared/catalog/model-ref.js';
import { priceDataModels } from '../../shared/catalog/price-data.js';
import { CATALOG, PROVIDER_IDS, type ProviderId } from '../../shared/catalog.js';
import type { ModelAccess } from '../domain/catalog/catalog-overrides.js';
import type { HostedKeyPool } from './keys/hosted-pool.js';
import { chooseKey, type KeyChoiceContext } from './keys/key-choice.js';
import type { PlatformKeys } from './keys/platform-keys.js';
import type { GatewayIdentity } from './request-context.js';
import { modelEntryMatches } from './routing/model-access.js';

export interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** What decides which models a project can use right now. */
export interface ModelListContext {
  identity: GatewayIdentity;
  keys: Omit<KeyChoiceContext, 'userKey'>;
  /** A caller's own key (x-provider-api-key) reaches every built-in provider by name, outside CREDITS. */
  hasUserKey: boolean;
  platformKeys: PlatformKeys;
  pool: HostedKeyPool;
  access: ModelAccess;
  customModels: readonly { slug: string; models: readonly string[] }[];
}

// Some data ids are match prefixes (`ft:gpt-4o-mini`-style families end in `-` or `:`), not names to call.
const CALLABLE = /[^-:.]$/;

/** True when a provider can be reached with some key the project's mode allows. */
export function providerReachable(provider: string, context: ModelListContext): boolean {
  if (context.hasUserKey && context.identity.mode !== 'CREDITS') return true;
  return chooseKey(provider, { ...context.keys, userKey: null }, context.platformKeys, context.pool) !== null;
}

/** The key's allowedModels and the organization's lists, for a model known by these names. */
export function modelListed(names: readonly string[], { identity, access }: ModelListContext): boolean {
  const matches = (list: readonly string[]) => list.some((entry) => names.some((name) => modelEntryMatches(entry, name)));
  if (identity.allowedModels.length > 0 && !matches(identity.allowedModels)) return false;
  if (access.allowed.length > 0 && !matches(access.allowed)) return false;
  return !matches(access.denied);
}

/**
 * GET /v1/models: what this key's project can call right now — for every provider reachable
 * under the project's mode, `provider/<name>` for each model its price data lists and each
 * name the "same model" table gives it; each table id with a reachable provider; and the
 * organization's custom providers' models. An open `provider/<name>` works beyond this list.
 */
export function listUsableModels(context: ModelListContext): ListedModel[] {
  const listed = new Map<string, ListedModel>();
  const add = (id: string, ownedBy: string, names: readonly string[] = [id]) => {
    if (!listed.has(id) && modelListed(names, context)) listed.set(id, { id, object: 'model', created: 0, owned_by: ownedBy });
  };
  const reachable = new Set<ProviderId>(PROVIDER_IDS.filter((provider) => providerReachable(provider, context)));
  for (const model of CATALOG) {
    const offers = model.offers.filter((offer) => reachable.has(offer.provider));
    if (offers.length > 0) add(model.id, 'keyplane', [model.id, ...offers.map((o) => `${o.provider}/${o.providerModel}`)]);
    for (const offer of offers) {
      const id = `${offer.provider}/${offer.providerModel}`;
      add(id, offer.provider, [id, model.id]);
    }
  }
  for (const provider of reachable) {
    for (const model of priceDataModels(provider)) {
      if (servesDataModel(provider, model.id) && CALLABLE.test(model.id)) add(`${provider}/${model.id}`, provider);
    }
  }
  // The organization's own endpoints are reachable wherever its key source (byok) is allowed.
  if (context.identity.mode !== 'CREDITS') {
    for (const custom of context.customModels) for (const model of custom.models) add(`${custom.slug}/${model}`, custom.slug);
  }
  return [...listed.values()];
}
