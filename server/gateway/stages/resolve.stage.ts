import { HOSTED_KEY_LLM_FLAG, REFUSE_UNPRICED_CREDITS_FLAG } from '../../../shared/domain.js';
import type { ConfigChanges } from '../../db/config-changes.js';
import { DEFAULT_LIMITER, type LimiterSetting } from '../../domain/provider-settings/limiter-setting.js';
import type { Services } from '../../domain/services.js';
import { REQUEST_PATH_CACHE, RefreshAheadCache } from '../../state/refresh-ahead-cache.js';
import type { CustomEndpointConfig } from '../endpoints.js';
import type { GatewayIdentity, ProjectScope } from '../request-context.js';

/** The feature flags the gateway reads for one project. */
interface ProjectFlags {
  hostedEnabled: boolean;
  refuseUnpriced: boolean;
}

/** The flags cache's key: the organization, then the project. */
const flagsKey = (identity: GatewayIdentity) => `${identity.organizationId}:${identity.projectId}`;
const flagsOrganization = (key: string) => key.slice(0, key.indexOf(':'));

/**
 * Flags, stored keys and limiter settings, each cached (REQUEST_PATH_CACHE, or until a change is
 * announced): a toggle or a new key applies within a second on every instance without a
 * database round trip per request.
 */
export class ScopeResolver {
  private readonly flags: RefreshAheadCache<ProjectFlags, GatewayIdentity>;
  private readonly byok: RefreshAheadCache<Map<string, { id: string; secret: string }>>;
  private readonly custom: RefreshAheadCache<Map<string, CustomEndpointConfig>>;
  private readonly limiters: RefreshAheadCache<Map<string, LimiterSetting>>;

  constructor(services: Services, changes?: ConfigChanges) {
    const perOrganization = { max: 10_000, ...REQUEST_PATH_CACHE, changes, organizationOf: (organizationId: string) => organizationId };
    this.flags = new RefreshAheadCache(
      async (_key, { organizationId, projectId }) => {
        const flags = await services.flags.enabledFor([HOSTED_KEY_LLM_FLAG, REFUSE_UNPRICED_CREDITS_FLAG], organizationId, projectId);
        return { hostedEnabled: flags[HOSTED_KEY_LLM_FLAG], refuseUnpriced: flags[REFUSE_UNPRICED_CREDITS_FLAG] };
      },
      { ...perOrganization, organizationOf: flagsOrganization },
    );
    this.byok = new RefreshAheadCache((organizationId) => services.providerKeys.decryptedForOrganization(organizationId), perOrganization);
    this.custom = new RefreshAheadCache<Map<string, CustomEndpointConfig>>(async (organizationId) => {
      const rows = await services.customProviders.endpointsOf(organizationId);
      return new Map(rows.map((row) => [row.slug, { id: row.id, slug: row.slug, baseUrl: row.baseUrl, models: row.models }]));
    }, perOrganization);
    this.limiters = new RefreshAheadCache(
      async () =>
        new Map(
          (await services.providerSettings.all()).map((row) => [
            row.provider,
            {
              mode: row.limiterMode,
              requestsPerMinute: row.requestsPerMinute,
              queueTimeoutMs: row.queueTimeoutMs ?? DEFAULT_LIMITER.queueTimeoutMs,
            },
          ]),
        ),
      // Platform-wide: only a change to the settings themselves drops them.
      { max: 1, ...REQUEST_PATH_CACHE, changes, tables: ['ProviderSetting'] },
    );
  }

  async resolve(identity: GatewayIdentity): Promise<ProjectScope> {
    const [{ hostedEnabled, refuseUnpriced }, byokKeys, customProviders, limiters] = await Promise.all([
      this.flags.get(flagsKey(identity), identity),
      this.byok.get(identity.organizationId),
      this.custom.get(identity.organizationId),
      this.limiters.get('all'),
    ]);
    return { hostedEnabled, refuseUnpriced, byokKeys, customProviders, limiter: (provider) => limiters.get(provider) ?? DEFAULT_LIMITER };
  }
}
