import { HOSTED_KEY_LLM_FLAG, REFUSE_UNPRICED_CREDITS_FLAG } from '../../../shared/domain.js';
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

/**
 * Flags, stored keys and limiter settings, each cached (REQUEST_PATH_CACHE): a toggle or a new
 * key applies within a second on every instance without a database round trip per request.
 */
export class ScopeResolver {
  private readonly flags = new RefreshAheadCache<ProjectFlags, GatewayIdentity>(
    async (_key, { organizationId, projectId }) => {
      const [hostedEnabled, refuseUnpriced] = await Promise.all([
        this.services.flags.isEnabled(HOSTED_KEY_LLM_FLAG, organizationId, projectId),
        this.services.flags.isEnabled(REFUSE_UNPRICED_CREDITS_FLAG, organizationId, projectId),
      ]);
      return { hostedEnabled, refuseUnpriced };
    },
    { max: 10_000, ...REQUEST_PATH_CACHE },
  );
  private readonly byok = new RefreshAheadCache<Map<string, { id: string; secret: string }>>(
    (organizationId) => this.services.providerKeys.decryptedForOrganization(organizationId),
    { max: 10_000, ...REQUEST_PATH_CACHE },
  );
  private readonly custom = new RefreshAheadCache<Map<string, CustomEndpointConfig>>(
    async (organizationId) => {
      const rows = await this.services.customProviders.listForOrganizations([organizationId]);
      return new Map(rows.map((row) => [row.slug, { id: row.id, slug: row.slug, baseUrl: row.baseUrl, models: row.models }]));
    },
    { max: 10_000, ...REQUEST_PATH_CACHE },
  );
  private readonly limiters = new RefreshAheadCache<Map<string, LimiterSetting>>(
    async () =>
      new Map(
        (await this.services.providerSettings.all()).map((row) => [
          row.provider,
          {
            mode: row.limiterMode,
            requestsPerMinute: row.requestsPerMinute,
            queueTimeoutMs: row.queueTimeoutMs ?? DEFAULT_LIMITER.queueTimeoutMs,
          },
        ]),
      ),
    { max: 1, ...REQUEST_PATH_CACHE },
  );

  constructor(private readonly services: Services) {}

  async resolve(identity: GatewayIdentity): Promise<ProjectScope> {
    const [{ hostedEnabled, refuseUnpriced }, byokKeys, customProviders, limiters] = await Promise.all([
      this.flags.get(`${identity.organizationId}:${identity.projectId}`, identity),
      this.byok.get(identity.organizationId),
      this.custom.get(identity.organizationId),
      this.limiters.get('all'),
    ]);
    return { hostedEnabled, refuseUnpriced, byokKeys, customProviders, limiter: (provider) => limiters.get(provider) ?? DEFAULT_LIMITER };
  }
}
