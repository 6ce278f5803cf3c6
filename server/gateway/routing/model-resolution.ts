import { nearestModelNames, resolveModelRef } from '../../../shared/catalog/model-ref.js';
import type { CatalogOverrides } from '../../domain/catalog/catalog-overrides.js';
import type { Endpoints } from '../endpoints.js';
import { GatewayError } from '../gateway-error.js';
import type { ProjectScope } from '../request-context.js';
import type { RoutableOffer } from './router.js';

export interface ResolvedModel {
  /** The catalog id, the alias, the name as written (open names), or `slug/model` for a custom provider. */
  id: string;
  /** In routing order when `ordered` (an alias's targets), else any order (routing sorts by price). */
  offers: RoutableOffer[];
  /** The provider named in `provider/model`; null when routing may choose. */
  pinnedProvider: string | null;
  /** True for an alias: its targets are tried in the order the operator gave, like fallbacks. */
  ordered: boolean;
  /** False for an open `provider/<name>` that neither the table nor the price data knows. */
  known: boolean;
}

/** Where model names are looked up: the catalog, this project's custom providers, the operators' aliases. */
export interface ModelLookup {
  scope: ProjectScope;
  endpoints: Endpoints;
  overrides: CatalogOverrides;
  organizationId: string;
}

/**
 * `model` → the offers routing may choose from, first match wins: an operator's alias (its
 * targets, each a model ref, in order), the catalog (`provider/<any name>`, the "same model"
 * table, the price data's names), then the organization's custom providers (`slug/model`).
 * An offer's `prices` is null when no source prices its name: the call is then served and
 * recorded `costKnown = false` (or refused by the operator's unpriced policy).
 * A name nothing knows is a 404 naming the nearest known names.
 */
export async function resolveModel(model: string, lookup: ModelLookup): Promise<ResolvedModel> {
  const targets = await lookup.overrides.alias(model, lookup.organizationId);
  if (targets) {
    const offers: RoutableOffer[] = [];
    for (const target of targets) {
      for (const offer of resolveTarget(target, lookup)?.offers ?? []) {
        if (!offers.some((o) => o.provider === offer.provider && o.providerModel === offer.providerModel)) offers.push(offer);
      }
    }
    if (offers.length > 0) return { id: model, offers, pinnedProvider: null, ordered: true, known: true };
  }
  const resolved = resolveTarget(model, lookup);
  if (resolved) return resolved;
  const nearest = nearestModelNames(model);
  const hint = nearest.length > 0 ? ` Did you mean ${nearest.join(', ')}?` : '';
  throw new GatewayError(
    'NOT_FOUND',
    'model_not_found',
    `Unknown model "${model.slice(0, 100)}".${hint} GET /v1/models lists the models you can use; "provider/<name>" reaches a provider with any name`,
  );
}

/** One model ref (not an alias) → its offers; null when nothing knows it. */
function resolveTarget(model: string, { scope, endpoints }: ModelLookup): ResolvedModel | null {
  const ref = resolveModelRef(model);
  if (ref) {
    return {
      id: ref.id,
      pinnedProvider: ref.pinnedProvider,
      ordered: false,
      known: ref.known,
      offers: ref.offers.map((offer) => ({
        provider: offer.provider,
        providerModel: offer.providerModel,
        prices: offer.price,
        maxOutputTokens: offer.maxOutputTokens,
        endpoint: endpoints.builtIn(offer.provider),
      })),
    };
  }
  const slash = model.indexOf('/');
  const custom = slash > 0 ? scope.customProviders.get(model.slice(0, slash)) : undefined;
  const providerModel = model.slice(slash + 1);
  if (!custom?.models.includes(providerModel)) return null;
  return {
    id: model,
    pinnedProvider: custom.slug,
    ordered: false,
    known: true,
    // Self-hosted: no published price, so calls are recorded with costKnown = false.
    offers: [{ provider: custom.slug, providerModel, prices: null, maxOutputTokens: null, endpoint: endpoints.custom(custom) }],
  };
}
