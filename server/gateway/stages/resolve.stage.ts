import { LRUCache } from 'lru-cache';
import { HOSTED_KEY_LLM_FLAG, REFUSE_UNPRICED_CREDITS_FLAG } from '../../../shared/domain.js';
import { DEFAULT_LIMITER, type LimiterSetting } from '../../domain/provider-settings/limiter-setting.js';
import type { Services } from '../../domain/services.js';
import type { CustomEndpointConfig } from '../endpoints.js';
import { type GatewayIdentity, type ProjectScope, CACHE_TTL_MS as TTL_MS } from '../request-context.js';

/** The feature flags the gateway reads for one project. */
interface ProjectFlags {
  hostedEnabled: boolean;
  refuseUnpriced: boolean;
}

/**
 * Flags, stored keys and limiter settings, each cached for CACHE_TTL_MS: a toggle or a new key
 * applies within a second on every instance without a database round trip per request.
 */
export class ScopeResolver {
  // fetch() merges concurrent loads of one key, so an expiry under load costs one query.
  private readonly flags = new LRUCache<string, ProjectFlags, { organizationId: string; projectId: string }>({
    max: 10_000,
    ttl: TTL_MS,
    fetchMethod: async (_key, _stale, { context: { organizationId, projectId } }) => {
      const [hostedEnabled, refuseUnpriced] = await Promise.all([
        this.services.flags.isEnabled(HOSTED_KEY_LLM_FLAG, organizationId, projectId),
        this.services.flags.isEnabled(REFUSE_UNPRICED_CREDITS_FLAG, organizationId, projectId),
      ]);
      return { hostedEnabled, refuseUnpriced };
    },
  });
  private readonly byok = new LRUCache<string, Map<string, { id: string; secret: string }>>({
    max: 10_000,
    ttl: TTL_MS,
    fetchMethod: (organizationId) => this.services.providerKeys.decryptedForOrganization(organizationId),
  });
  private readonly custom = new LRUCache<string, Map<string, CustomEndpointConfig>>({
    max: 10_000,
    ttl: TTL_MS,
    fetchMethod: async (organizationId) => {
      const rows = await this.services.customProviders.listForOrganizations([organizationId]);
      return new Map(rows.map((row) => [row.slug, { id: row.id, slug: row.slug, baseUrl: row.baseUrl, models: row.models }]));
    },
  });
  private limiters: { at: number; byProvider: Promise<Map<string, LimiterSetting>> } | null = null;

  constructor(private readonly services: Services) {}

  async resolve(identity: GatewayIdentity): Promise<ProjectScope> {
    const [{ hostedEnabled, refuseUnpriced }, byokKeys, customProviders, limiters] = await Promise.all([
      this.projectFlags(identity.organizationId, identity.projectId),
      this.byokKeys(identity.organizationId),
      this.customProviders(identity.organizationId),
      this.limiterSettings(),
    ]);
    return { hostedEnabled, refuseUnpriced, byokKeys, customProviders, limiter: (provider) => limiters.get(provider) ?? DEFAULT_LIMITER };
  }

  private async projectFlags(organizationId: string, projectId: string): Promise<ProjectFlags> {
    return (
      (await this.flags.fetch(`${organizationId}:${projectId}`, { context: { organizationId, projectId } })) ?? {
        hostedEnabled: false,
        refuseUnpriced: false,
      }
    );
  }

  private async byokKeys(organizationId: string) {
    return (await this.byok.fetch(organizationId)) ?? new Map<string, { id: string; secret: string }>();
  }

  private async customProviders(organizationId: string) {
    return (await this.custom.fetch(organizationId)) ?? new Map<string, CustomEndpointConfig>();
  }

  private limiterSettings(): Promise<Map<string, LimiterSetting>> {
    if (this.limiters && Date.now() - this.limiters.at < TTL_MS) return this.limiters.byProvider;
    const byProvider = this.services.providerSettings.all().then(
      (rows) =>
        new Map(
          rows.map((row) => [
            row.provider,
            {
              mode: row.limiterMode,
              requestsPerMinute: row.requestsPerMinute,
              queueTimeoutMs: row.queueTimeoutMs ?? DEFAULT_LIMITER.queueTimeoutMs,
            },
          ]),
        ),
    );
    // Shared by every request until it expires; a failed load is not kept.
    this.limiters = { at: Date.now(), byProvider };
    byProvider.catch(() => {
      this.limiters = null;
    });
    return byProvider;
  }
}
