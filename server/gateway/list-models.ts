import { CATALOG } from '../../shared/catalog.js';
import type { HostedKeyPool } from './keys/hosted-pool.js';
import { chooseKey, type KeyChoiceContext } from './keys/key-choice.js';
import type { PlatformKeys } from './keys/platform-keys.js';
import type { GatewayIdentity } from './stages/authenticate.stage.js';

export interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * GET /v1/models: what this key's project can call right now — each catalog model with at
 * least one provider reachable under the project's mode, and `provider/model` for each such
 * provider. A caller's own key (x-provider-api-key) reaches every provider by name.
 */
export function listUsableModels(
  identity: GatewayIdentity,
  keys: Omit<KeyChoiceContext, 'userKey'>,
  hasUserKey: boolean,
  platformKeys: PlatformKeys,
  pool: HostedKeyPool,
  customModels: readonly { slug: string; models: readonly string[] }[] = [],
): ListedModel[] {
  const allowsUserKeys = identity.mode !== 'CREDITS';
  const allowed = (id: string) => identity.allowedModels.length === 0 || identity.allowedModels.includes(id);
  const listed: ListedModel[] = [];
  for (const model of CATALOG) {
    const reachable = model.offers.filter((offer) => chooseKey(offer.provider, { ...keys, userKey: null }, platformKeys, pool) !== null);
    if (reachable.length > 0 && allowed(model.id)) listed.push({ id: model.id, object: 'model', created: 0, owned_by: 'keyplane' });
    const byName = hasUserKey && allowsUserKeys ? model.offers : reachable;
    for (const offer of byName) {
      const id = `${offer.provider}/${offer.providerModel}`;
      if (allowed(id) || allowed(model.id)) listed.push({ id, object: 'model', created: 0, owned_by: offer.provider });
    }
  }
  // The organization's own endpoints are reachable wherever its key source (byok) is allowed.
  if (identity.mode !== 'CREDITS') {
    for (const custom of customModels) {
      for (const model of custom.models) {
        const id = `${custom.slug}/${model}`;
        if (allowed(id)) listed.push({ id, object: 'model', created: 0, owned_by: custom.slug });
      }
    }
  }
  return listed;
}
