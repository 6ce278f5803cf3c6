import type { ModelAccess } from '../../domain/catalog/catalog-overrides.js';
import { GatewayError } from '../gateway-error.js';
import type { ResolvedModel } from './model-resolution.js';

/**
 * Whether a model list entry names a model: an entry is a catalog id or alias, `provider/model`,
 * or a prefix ending in `*` (`anthropic/*`, `gpt-4o*`). A model goes by every name it has: the
 * name the caller wrote, what it resolved to, and each offer's `provider/providerModel`. An
 * entry without a provider names the model whoever serves it: `gpt-4o*` covers
 * `openai/gpt-4o-2024-08-06` too, or a deny list would miss every dated snapshot asked for
 * with its provider.
 */
export function modelEntryMatches(entry: string, name: string): boolean {
  if (namesModel(entry, name)) return true;
  const slash = name.indexOf('/');
  return slash > 0 && !entry.includes('/') && namesModel(entry, name.slice(slash + 1));
}

const namesModel = (entry: string, name: string) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name);

const matchesAny = (list: readonly string[], names: readonly string[]) =>
  list.some((entry) => names.some((name) => modelEntryMatches(entry, name)));

/**
 * The one place model lists are enforced: the gateway key's `allowedModels` and the
 * organization's allow/deny lists (deny wins). Offers a list excludes are dropped — an alias or
 * a bare name keeps the providers still allowed — and with none left the request is a 403
 * `model_not_allowed`, before any upstream call or rate-limit count.
 */
export function enforceModelAccess(
  requested: string,
  resolved: ResolvedModel,
  keyAllowed: readonly string[],
  organization: ModelAccess,
): ResolvedModel {
  const common = [requested, resolved.id];
  const offers = resolved.offers.filter((offer) => {
    const names = [...common, `${offer.provider}/${offer.providerModel}`];
    if (keyAllowed.length > 0 && !matchesAny(keyAllowed, names)) return false;
    if (organization.allowed.length > 0 && !matchesAny(organization.allowed, names)) return false;
    return !matchesAny(organization.denied, names);
  });
  if (offers.length === 0) {
    const whose =
      keyAllowed.length > 0 && !resolved.offers.some((o) => matchesAny(keyAllowed, [...common, `${o.provider}/${o.providerModel}`]));
    throw new GatewayError(
      'FORBIDDEN',
      'model_not_allowed',
      whose ? `This gateway key may not use "${requested.slice(0, 100)}"` : `Your organization may not use "${requested.slice(0, 100)}"`,
    );
  }
  return offers.length === resolved.offers.length ? resolved : { ...resolved, offers };
}
