import type { PrismaClient } from '../../db/database.js';
import type { DirectSql, HotStatement } from '../../db/direct-sql.js';
import type { CustomProvider } from '../../db/generated/client.js';
import { checkUpstreamUrl, UpstreamAddressRefused } from '../../net/upstream-address.js';
import { type Actor, requireOrgRole, requireTenantRow } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, isUniqueViolation, notFound } from '../errors.js';
import type { ProviderDirectory } from '../provider-keys/provider-key.service.js';
import { cleanText } from '../text.js';

export interface SetCustomProviderInput {
  organizationId: string;
  slug: string;
  name: string;
  baseUrl: string;
  models: string[];
}

/** What the gateway calls an organization's ($1) custom provider by. */
export type CustomEndpointRow = Pick<CustomProvider, 'id' | 'slug' | 'baseUrl' | 'models'>;

export const CUSTOM_ENDPOINTS_OF_ORGANIZATION: HotStatement = {
  name: 'kp_custom_endpoints_of_organization',
  text: `SELECT "id", "slug", "baseUrl", "models" FROM "CustomProvider" WHERE "organizationId" = $1 ORDER BY "slug"`,
};

/**
 * An organization's own OpenAI-compatible endpoints (Ollama, vLLM, llama.cpp …), called as
 * `slug/model`. Their keys, if any, are stored like any BYOK key under the slug.
 */
export class CustomProviderService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly direct: DirectSql,
    private readonly audit: AuditService,
    private readonly builtIn: ProviderDirectory,
    /** KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: base URLs may target loopback, private and metadata addresses. */
    private readonly allowPrivateUpstreams: boolean,
  ) {}

  async listForOrganizations(organizationIds: readonly string[]): Promise<CustomProvider[]> {
    return this.prisma.customProvider.findMany({ where: { organizationId: { in: [...organizationIds] } }, orderBy: { slug: 'asc' } });
  }

  /** The organization's endpoints for the gateway, read without Prisma (when its cached ones went cold). */
  async endpointsOf(organizationId: string): Promise<CustomEndpointRow[]> {
    return this.direct.query<CustomEndpointRow>(CUSTOM_ENDPOINTS_OF_ORGANIZATION, [organizationId]);
  }

  async exists(organizationId: string, slug: string): Promise<boolean> {
    return (await this.prisma.customProvider.count({ where: { organizationId, slug } })) > 0;
  }

  /** Create, or replace the one with the same slug. */
  async set(actor: Actor, input: SetCustomProviderInput): Promise<CustomProvider> {
    requireOrgRole(actor, input.organizationId, 'ADMIN');
    const slug = input.slug.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(slug)) throw badInput('slug must be 2 to 40 lower-case letters, digits and dashes');
    if (this.builtIn.has(slug)) throw badInput(`"${slug}" is a built-in provider; choose another slug`);
    const name = cleanText('name', input.name);
    const baseUrl = await validateBaseUrl(input.baseUrl, this.allowPrivateUpstreams);
    const models = [...new Set(input.models.map((model) => model.trim()).filter(Boolean))];
    if (models.length === 0 || models.length > 200) throw badInput('models must list 1 to 200 model names');
    if (models.some((model) => model.length > 200)) throw badInput('model names must be at most 200 characters');
    const data = { name, baseUrl, models };
    try {
      return await this.prisma.$transaction(async (tx) => {
        const organization = await tx.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
        if (!organization) throw notFound('Organization');
        const row = await tx.customProvider.upsert({
          where: { organizationId_slug: { organizationId: input.organizationId, slug } },
          create: { organizationId: input.organizationId, slug, ...data },
          update: data,
        });
        await this.audit.record(tx, actor, {
          organizationId: input.organizationId,
          action: 'custom-provider.set',
          targetType: 'CustomProvider',
          targetId: row.id,
          details: { slug, ...data },
        });
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput(`A custom provider "${slug}" already exists`);
      throw error;
    }
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    const found = await this.prisma.customProvider.findUnique({ where: { id } });
    const row = requireTenantRow(actor, found, found?.organizationId, 'Custom provider', 'ADMIN');
    await this.prisma.$transaction(async (tx) => {
      await tx.customProvider.delete({ where: { id } });
      await this.audit.record(tx, actor, {
        organizationId: row.organizationId,
        action: 'custom-provider.delete',
        targetType: 'CustomProvider',
        targetId: id,
        details: { slug: row.slug },
      });
    });
    return true;
  }
}

async function validateBaseUrl(value: string, allowPrivate: boolean): Promise<string> {
  try {
    const url = await checkUpstreamUrl(value, allowPrivate);
    return url.toString().replace(/\/$/, '');
  } catch (error) {
    if (error instanceof UpstreamAddressRefused) throw badInput(`baseUrl ${error.message}`);
    throw error;
  }
}
