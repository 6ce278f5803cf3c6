import type { PrismaClient } from '../../db/database.js';
import type { ProviderKey } from '../../db/generated/client.js';
import type { KeyRing } from '../../secrets/key-ring.js';
import { checkProviderKeyFormat, maskProviderKey } from '../../secrets/provider-key-format.js';
import { type Actor, requireOrgRole } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound } from '../errors.js';

/** Which provider ids exist (the provider registry answers; the domain does not list them). */
export interface ProviderDirectory {
  has(providerId: string): boolean;
}

export interface SetProviderKeyInput {
  organizationId: string;
  provider: string;
  region?: string | null;
  key: string;
}

/** A stored key as anyone outside this service sees it: no ciphertext, only the mask. */
export type ProviderKeyView = Omit<ProviderKey, 'ciphertext' | 'iv' | 'authTag'>;

const VIEW = {
  id: true,
  organizationId: true,
  provider: true,
  region: true,
  keyVersion: true,
  mask: true,
  createdById: true,
  createdAt: true,
  updatedAt: true,
} as const;

export class ProviderKeyService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly keyRing: KeyRing,
    private readonly providers: ProviderDirectory,
    private readonly customProviders: { exists(organizationId: string, slug: string): Promise<boolean> },
  ) {}

  async listForOrganizations(organizationIds: readonly string[]): Promise<ProviderKeyView[]> {
    return this.prisma.providerKey.findMany({
      where: { organizationId: { in: [...organizationIds] } },
      select: VIEW,
      orderBy: [{ provider: 'asc' }, { region: 'asc' }],
    });
  }

  /** Create or replace the organization's key for a provider (and region). */
  async set(actor: Actor, input: SetProviderKeyInput): Promise<ProviderKeyView> {
    requireOrgRole(actor, input.organizationId, 'ADMIN');
    const provider = input.provider.trim().toLowerCase();
    if (!this.providers.has(provider) && !(await this.customProviders.exists(input.organizationId, provider))) {
      throw badInput(`Unknown provider "${provider.slice(0, 40)}"`);
    }
    const region = (input.region ?? '').trim().toLowerCase();
    if (region.length > 40 || !/^[a-z0-9-]*$/.test(region)) throw badInput('region must be up to 40 lower-case letters, digits and dashes');
    const key = input.key.trim();
    const problem = checkProviderKeyFormat(provider, key);
    if (problem) throw badInput(problem);
    const sealed = this.keyRing.seal(key);
    const mask = maskProviderKey(key);
    return this.prisma.$transaction(async (tx) => {
      const organization = await tx.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
      if (!organization) throw notFound('Organization');
      const where = { organizationId_provider_region: { organizationId: input.organizationId, provider, region } };
      const previous = await tx.providerKey.findUnique({ where, select: { mask: true } });
      const row = await tx.providerKey.upsert({
        where,
        create: { organizationId: input.organizationId, provider, region, ...sealed, mask, createdById: actor.userId },
        update: { ...sealed, mask, createdById: actor.userId },
        select: VIEW,
      });
      await this.audit.record(tx, actor, {
        organizationId: input.organizationId,
        action: previous ? 'provider-key.replace' : 'provider-key.create',
        targetType: 'ProviderKey',
        targetId: row.id,
        details: { provider, region, mask, ...(previous ? { previousMask: previous.mask } : {}) },
      });
      return row;
    });
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    const row = await this.prisma.providerKey.findUnique({ where: { id }, select: VIEW });
    if (!row || !(actor.isOperator || actor.roles.has(row.organizationId))) throw notFound('Provider key');
    requireOrgRole(actor, row.organizationId, 'ADMIN');
    await this.prisma.$transaction(async (tx) => {
      await tx.providerKey.delete({ where: { id } });
      await this.audit.record(tx, actor, {
        organizationId: row.organizationId,
        action: 'provider-key.delete',
        targetType: 'ProviderKey',
        targetId: id,
        details: { provider: row.provider, region: row.region, mask: row.mask },
      });
    });
    return true;
  }

  /** The organization's keys by provider, decrypted, for the gateway only. Never log the result. */
  async decryptedForOrganization(organizationId: string): Promise<Map<string, { id: string; secret: string }>> {
    const rows = await this.prisma.providerKey.findMany({
      where: { organizationId, region: '' },
      select: { id: true, provider: true, ciphertext: true, iv: true, authTag: true, keyVersion: true },
    });
    return new Map(rows.map((row) => [row.provider, { id: row.id, secret: this.keyRing.open(row) }]));
  }

  /** Re-encrypt every stored key with the ring's first key. Returns how many rows changed. */
  async reencryptAll(onProgress?: (done: number, total: number) => void): Promise<number> {
    const stale = await this.prisma.providerKey.findMany({
      where: { keyVersion: { not: this.keyRing.primaryVersion } },
      select: { id: true, ciphertext: true, iv: true, authTag: true, keyVersion: true },
    });
    let done = 0;
    for (const row of stale) {
      const sealed = this.keyRing.seal(this.keyRing.open(row));
      await this.prisma.providerKey.update({ where: { id: row.id }, data: sealed });
      done += 1;
      onProgress?.(done, stale.length);
    }
    return done;
  }
}
