import type { FeatureFlagKey } from '../../shared/domain.js';
import type { PrismaClient } from '../db/database.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { StateStore } from '../state/state-store.js';
import { AuditService } from './audit/audit.service.js';
import { AuthService } from './auth/auth.service.js';
import { CreditService } from './credits/credit.service.js';
import { CustomProviderService } from './custom-providers/custom-provider.service.js';
import { FeatureFlagService } from './flags/feature-flag.service.js';
import { GatewayKeyService } from './gateway-keys/gateway-key.service.js';
import { HostedKeyPoolService } from './hosted-pool/hosted-key-pool.service.js';
import { MemberService } from './members/member.service.js';
import { ModelCatalogService } from './models/model-catalog.service.js';
import { OrganizationService } from './organizations/organization.service.js';
import { ProjectService } from './projects/project.service.js';
import { type ProviderDirectory, ProviderKeyService } from './provider-keys/provider-key.service.js';
import { ProviderSettingService } from './provider-settings/provider-setting.service.js';
import { UsageService } from './usage/usage.service.js';

export interface ServiceDependencies {
  prisma: PrismaClient;
  keyRing: KeyRing;
  providers: ProviderDirectory;
  envFlagOverrides: Partial<Record<FeatureFlagKey, boolean>>;
  /** Cooldowns, disabled keys, limits: in memory, or shared through Redis. */
  state: StateStore;
  /** The platform's hosted keys by provider, as names (the pool's secrets stay in the gateway). */
  hostedKeyNames: ReadonlyMap<string, readonly string[]>;
}

/** The domain services, shared by the GraphQL API, the gateway and the CLI. */
export function createServices(deps: ServiceDependencies) {
  const audit = new AuditService(deps.prisma);
  const providerSettings = new ProviderSettingService(deps.prisma, audit, deps.providers);
  const customProviders = new CustomProviderService(deps.prisma, audit, deps.providers);
  return {
    audit,
    auth: new AuthService(deps.prisma, audit),
    organizations: new OrganizationService(deps.prisma, audit),
    members: new MemberService(deps.prisma, audit),
    projects: new ProjectService(deps.prisma, audit),
    providerKeys: new ProviderKeyService(deps.prisma, audit, deps.keyRing, deps.providers, customProviders),
    customProviders,
    gatewayKeys: new GatewayKeyService(deps.prisma, audit),
    flags: new FeatureFlagService(deps.prisma, audit, deps.envFlagOverrides),
    credits: new CreditService(deps.prisma, audit),
    models: new ModelCatalogService(),
    providerSettings,
    usage: new UsageService(deps.prisma),
    hostedPool: new HostedKeyPoolService(deps.prisma, audit, deps.state, deps.hostedKeyNames, providerSettings),
  };
}

export type Services = ReturnType<typeof createServices>;
