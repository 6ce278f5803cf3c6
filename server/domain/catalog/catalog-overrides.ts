/**
 * What operators change about the catalog, as the gateway reads it on each request: price
 * overrides, aliases and an organization's model allow/deny lists. Implemented over the
 * database (with a short cache and cross-instance invalidation) by the catalog service; the
 * gateway's routing and pricing depend only on this interface.
 */

/** An operator's price for one provider's model, in USD per 1M tokens as decimal strings. */
export interface PriceOverride {
  id: string;
  /** `organization`: a negotiated rate for one organization; it wins over a `global` one. */
  scope: 'global' | 'organization';
  input: string;
  /** Null: the data package's (or overlay's) rate for that kind of token still applies. */
  cachedInput: string | null;
  cacheWrite: string | null;
  cacheWrite1h: string | null;
  output: string;
  effectiveFrom: Date;
}

/** An organization's model lists: an entry is a catalog id, `provider/model`, or a prefix ending in `*`. */
export interface ModelAccess {
  /** Empty: every model may be served. */
  allowed: readonly string[];
  /** Always wins over `allowed`. */
  denied: readonly string[];
}

export interface CatalogOverrides {
  /** The override in effect at `at` for this provider's own model name: the organization's, else the global one. */
  priceOverride(provider: string, providerModel: string, organizationId: string, at: Date): Promise<PriceOverride | null>;
  /** The ordered targets of an alias (the organization's own alias wins over a global one), or null. */
  alias(name: string, organizationId: string): Promise<readonly string[] | null>;
  modelAccess(organizationId: string): Promise<ModelAccess>;
}

/** No overrides, aliases or lists: what the gateway uses before the catalog service is wired. */
export const NO_CATALOG_OVERRIDES: CatalogOverrides = {
  priceOverride: async () => null,
  alias: async () => null,
  modelAccess: async () => ({ allowed: [], denied: [] }),
};
