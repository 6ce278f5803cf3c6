import type { PrismaClient } from '../../db/database.js';
import type { DirectSql, HotStatement } from '../../db/direct-sql.js';
import type { ProviderKey } from '../../db/generated/client.js';
import type { KeyRing } from '../../secrets/key-ring.js';
import { checkProviderKeyFormat, maskProviderKey } from '../../secrets/provider-key-format.js';
import { type KeyStatusView, keyStatusView, returnToService, storedKeyStateName } from '../../state/key-state-names.js';
import type { StateStore } from '../../state/state-store.js';
import { type Actor, requireOrgRole, requireTenantRow } from '../actor.js';
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

type ProviderKeyRow = Omit<ProviderKey, 'ciphertext' | 'iv' | 'authTag'>;

/** A stored key as anyone outside this service sees it: no ciphertext, only the mask, and its state in the gateway. */
export type ProviderKeyView = ProviderKeyRow & KeyStatusView;

/** An organization's ($1) sealed keys of the default region, bytes as hex (the same text whichever driver reads them). */
export const SEALED_KEYS_OF_ORGANIZATION: HotStatement = {
  name: 'kp_sealed_keys_of_organization',
  text: `SELECT "id", "provider", encode("ciphertext", 'hex') AS "ciphertext", encode("iv", 'hex') AS "iv",
  encode("authTag", 'hex') AS "authTag", "keyVersion"
FROM "ProviderKey" WHERE "organizationId" = $1 AND "region" = ''`,
};

const DISABLED_BY_ADMIN = 'Disabled by an organization admin';

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
    private readonly direct: DirectSql,
    private readonly audit: AuditService,
    private readonly keyRing: KeyRing,
    private readonly providers: ProviderDirectory,
    private readonly customProviders: { exists(organizationId: string, slug: string): Promise<boolean> },
    private readonly state: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  async listForOrganizations(organizationIds: readonly string[]): Promise<ProviderKeyView[]> {
    const rows = await this.prisma.providerKey.findMany({
      where: { organizationId: { in: [...organizationIds] } },
      select: VIEW,
      orderBy: [{ provider: 'asc' }, { region: 'asc' }],
    });
    return this.withState(rows);
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
    const row = await this.prisma.$transaction(async (tx) => {
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
    // A replaced key is a new key (the row keeps its id): whatever the old one earned is gone.
    await returnToService(this.state, storedKeyStateName(row.organizationId, row.id));
    const [view] = await this.withState([row]);
    return view as ProviderKeyView;
  }

  /** Put a stored key back in service (clearing any cooldown), or take it out: ADMIN of its organization. */
  async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<ProviderKeyView> {
    const row = await this.visibleRow(actor, id);
    requireOrgRole(actor, row.organizationId, 'ADMIN');
    const name = storedKeyStateName(row.organizationId, row.id);
    if (enabled) await returnToService(this.state, name);
    else await this.state.setDisabled(name, true, DISABLED_BY_ADMIN);
    await this.audit.record(this.prisma, actor, {
      organizationId: row.organizationId,
      action: enabled ? 'provider-key.enable' : 'provider-key.disable',
      targetType: 'ProviderKey',
      targetId: id,
      details: { provider: row.provider, region: row.region, mask: row.mask, enabled },
    });
    const [view] = await this.withState([row]);
    return view as ProviderKeyView;
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    const row = await this.visibleRow(actor, id);
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

  /** A key the actor may see; another organization's key does not exist for them. */
  private async visibleRow(actor: Actor, id: string): Promise<ProviderKeyRow> {
    const row = await this.prisma.providerKey.findUnique({ where: { id }, select: VIEW });
    return requireTenantRow(actor, row, row?.organizationId, 'Provider key');
  }

  private async withState(rows: ProviderKeyRow[]): Promise<ProviderKeyView[]> {
    if (rows.length === 0) return [];
    const names = rows.map((row) => storedKeyStateName(row.organizationId, row.id));
    const states = await this.state.keyStates(names);
    const now = this.now();
    return rows.map((row, index) => ({ ...row, ...keyStatusView(states.get(names[index] as string), now) }));
  }

  /**
   * The organization's keys by provider, decrypted, for the gateway only. Never log the result.
   * Read without Prisma: the gateway loads them when its cached ones went cold.
   */
  async decryptedForOrganization(organizationId: string): Promise<Map<string, { id: string; secret: string }>> {
    const rows = await this.direct.query<{
      id: string;
      provider: string;
      ciphertext: string;
      iv: string;
      authTag: string;
      keyVersion: string;
    }>(SEALED_KEYS_OF_ORGANIZATION, [organizationId]);
    const hex = (text: string) => Buffer.from(text, 'hex');
    return new Map(
      rows.map((row) => [
        row.provider,
        {
          id: row.id,
          secret: this.keyRing.open({
            ciphertext: hex(row.ciphertext),
            iv: hex(row.iv),
            authTag: hex(row.authTag),
            keyVersion: row.keyVersion,
          }),
        },
      ]),
    );
  }
}
