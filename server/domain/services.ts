import type { FeatureFlagKey } from '../../shared/domain.js';
import type { ConfigChanges } from '../db/config-changes.js';
import type { PrismaClient } from '../db/database.js';
import { type DirectSql, prismaDirectSql } from '../db/direct-sql.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { StateStore } from '../state/state-store.js';
import { AuditService } from './audit/audit.service.js';
import { AuthService } from './auth/auth.service.js';
import { SignInThrottle } from './auth/sign-in-throttle.js';
import { AttributionBudgetService } from './budgets/attribution-budget.service.js';
import { CachedCatalogOverrides } from './catalog/cached-catalog-overrides.js';
import { CatalogService } from './catalog/catalog.service.js';
import { CreditService } from './credits/credit.service.js';
import { CustomProviderService } from './custom-providers/custom-provider.service.js';
import { FeatureFlagService } from './flags/feature-flag.service.js';
import { GatewayKeyService } from './gateway-keys/gateway-key.service.js';
import { HostedKeyPoolService } from './hosted-pool/hosted-key-pool.service.js';
import { InvitationService } from './members/invitation.service.js';
import { MemberService } from './members/member.service.js';
import { ModelCatalogService } from './models/model-catalog.service.js';
import { OrganizationService } from './organizations/organization.service.js';
import { ProjectService } from './projects/project.service.js';
import { type ProviderDirectory, ProviderKeyService } from './provider-keys/provider-key.service.js';
import { ProviderSettingService } from './provider-settings/provider-setting.service.js';
import { StatementService } from './statements/statement.service.js';
import { REPORT_LIMITS, ReportLimiter, type ReportLimits } from './usage/report-limiter.js';
import { UsageService } from './usage/usage.service.js';
import { WebhookService } from './webhooks/webhook.service.js';

export interface ServiceDependencies {
  prisma: PrismaClient;
  /**
   * The database without Prisma, for what the gateway loads when an organization's cached
   * configuration is cold (database.ts); through Prisma where a tool has no other.
   */
  direct?: DirectSql;
  keyRing: KeyRing;
  providers: ProviderDirectory;
  envFlagOverrides: Partial<Record<FeatureFlagKey, boolean>>;
  /** Cooldowns, disabled keys, limits: in memory, or shared through Redis. */
  state: StateStore;
  /** The platform's hosted keys by provider, as names (the pool's secrets stay in the gateway). */
  hostedKeyNames: ReadonlyMap<string, readonly string[]>;
  /** The legacy `<P>_API_KEY` name by provider, where one is set: operators manage these too. */
  envKeyNames: ReadonlyMap<string, string>;
  /** KEYPLANE_PUBLIC_URL: the origin invitation links point at. */
  publicUrl: string;
  /** KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: custom providers may target private addresses. */
  allowPrivateUpstreams: boolean;
  /** The database's announced changes, for what the gateway caches (a server's; tools run without). */
  configChanges?: ConfigChanges;
  /** Each organization's usage-report limits (report-limiter.ts); the defaults when absent. */
  reportLimits?: Partial<ReportLimits>;
}

/** The domain services, shared by the GraphQL API, the gateway and the CLI. */
export function createServices(deps: ServiceDependencies) {
  const direct = deps.direct ?? prismaDirectSql(deps.prisma);
  const audit = new AuditService(deps.prisma);
  const providerSettings = new ProviderSettingService(deps.prisma, audit, deps.providers);
  const customProviders = new CustomProviderService(deps.prisma, direct, audit, deps.providers, deps.allowPrivateUpstreams);
  const signInThrottle = new SignInThrottle(deps.state);
  const invitations = new InvitationService(deps.prisma, audit, signInThrottle, deps.publicUrl);
  // What the gateway reads on every request; the catalog service refreshes it on each change.
  const catalogOverrides = new CachedCatalogOverrides(deps.prisma, direct, deps.configChanges);
  const catalog = new CatalogService(deps.prisma, audit, catalogOverrides);
  // Usage reports, request logs and statements read an organization's records: one share of the database each.
  const reportLimiter = new ReportLimiter(deps.state, { ...REPORT_LIMITS, ...deps.reportLimits });
  return {
    audit,
    auth: new AuthService(deps.prisma, audit, signInThrottle),
    organizations: new OrganizationService(deps.prisma, audit),
    members: new MemberService(deps.prisma, audit, invitations),
    invitations,
    projects: new ProjectService(deps.prisma, audit),
    providerKeys: new ProviderKeyService(deps.prisma, direct, audit, deps.keyRing, deps.providers, customProviders, deps.state),
    customProviders,
    gatewayKeys: new GatewayKeyService(deps.prisma, direct, audit),
    attributionBudgets: new AttributionBudgetService(deps.prisma, audit),
    flags: new FeatureFlagService(deps.prisma, direct, audit, deps.envFlagOverrides),
    credits: new CreditService(deps.prisma, audit),
    models: new ModelCatalogService(catalog),
    catalog,
    catalogOverrides,
    providerSettings,
    usage: new UsageService(deps.prisma, undefined, { limiter: reportLimiter }),
    webhooks: new WebhookService(deps.prisma, audit, deps.keyRing, deps.allowPrivateUpstreams),
    statements: new StatementService(deps.prisma, undefined, reportLimiter),
    hostedPool: new HostedKeyPoolService(deps.prisma, audit, deps.state, deps.hostedKeyNames, deps.envKeyNames, providerSettings),
  };
}

export type Services = ReturnType<typeof createServices>;
