import { resolveModelRef } from '../../../shared/catalog.js';
import type { Endpoints } from '../endpoints.js';
import type { ProjectScope } from '../stages/resolve.stage.js';
import type { RoutableOffer } from './router.js';

export interface ResolvedModel {
  /** The catalog id, or `slug/model` for a custom provider. */
  id: string;
  offers: RoutableOffer[];
  /** The provider named in `provider/model`; null when routing may choose. */
  pinnedProvider: string | null;
}

/** `model` or `provider/model` → the offers routing may choose from; null for an unknown model. */
export function resolveModel(model: string, scope: ProjectScope, endpoints: Endpoints): ResolvedModel | null {
  const ref = resolveModelRef(model);
  if (ref) {
    return {
      id: ref.model.id,
      pinnedProvider: ref.pinnedProvider,
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
  if (!custom || !custom.models.includes(providerModel)) return null;
  return {
    id: model,
    pinnedProvider: custom.slug,
    // Self-hosted: no published price, so calls are recorded with costKnown = false.
    offers: [{ provider: custom.slug, providerModel, prices: null, maxOutputTokens: null, endpoint: endpoints.custom(custom) }],
  };
}
