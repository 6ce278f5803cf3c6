import type { PrismaClient } from '../../db/database.js';
import type { ModelAlias, ModelPriceOverride, Prisma } from '../../db/generated/client.js';
import { type Actor, requireOperator, requireOrgRole } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound } from '../errors.js';
import { appliesAt, type CachedCatalogOverrides } from './cached-catalog-overrides.js';
import { parseAliasName, parseAliasTargets, parseModelList, parseProvider, parseProviderModel, parseUsdPerMtok } from './catalog-input.js';

export interface SetModelPriceInput {
  provider: string;
  model: string;
  organizationId?: string | null;
  inputUsdPerMtok: string;
  cachedInputUsdPerMtok?: string | null;
  cacheWriteUsdPerMtok?: string | null;
  cacheWrite1hUsdPerMtok?: string | null;
  outputUsdPerMtok: string;
  effectiveFrom?: Date | null;
  note?: string | null;
}

export interface SetModelAliasInput {
  name: string;
  targets: readonly string[];
  organizationId?: string | null;
}

export interface SetModelAccessInput {
  organizationId: string;
  allowedModels: readonly string[];
  deniedModels: readonly string[];
}

export interface ModelAccessRow {
  organizationId: string;
  allowedModels: string[];
  deniedModels: string[];
}

/** The money columns of an override, as the audit log shows them. */
function priceDetails(row: ModelPriceOverride | null) {
  if (!row) return null;
  const text = (value: { toFixed(digits: number): string } | null) => (value === null ? null : value.toFixed(12).replace(/\.?0+$/, ''));
  return {
    inputUsdPerMtok: text(row.inputUsdPerMtok),
    cachedInputUsdPerMtok: text(row.cachedInputUsdPerMtok),
    cacheWriteUsdPerMtok: text(row.cacheWriteUsdPerMtok),
    cacheWrite1hUsdPerMtok: text(row.cacheWrite1hUsdPerMtok),
    outputUsdPerMtok: text(row.outputUsdPerMtok),
    effectiveFrom: row.effectiveFrom.toISOString(),
  };
}

/**
 * Operators' changes to the catalog: price overrides (global or one organization's negotiated
 * rate, dated), aliases and organizations' model lists. Every change is audited and reaches the
 * gateway through CachedCatalogOverrides: at once on this instance, within a second elsewhere.
 */
export class CatalogService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly overrides: CachedCatalogOverrides,
  ) {}

  /** Overrides not deleted: global ones and those of organizations the actor may see (all, for operators). */
  async listPriceOverrides(actor: Actor, organizationId?: string | null): Promise<ModelPriceOverride[]> {
    if (organizationId) requireOrgRole(actor, organizationId, 'MEMBER');
    return this.prisma.modelPriceOverride.findMany({
      where: { deletedAt: null, ...this.visibleScopes(actor, organizationId) },
      orderBy: [{ provider: 'asc' }, { model: 'asc' }, { effectiveFrom: 'desc' }],
    });
  }

  async listAliases(actor: Actor, organizationId?: string | null): Promise<ModelAlias[]> {
    if (organizationId) requireOrgRole(actor, organizationId, 'MEMBER');
    return this.prisma.modelAlias.findMany({
      where: this.visibleScopes(actor, organizationId),
      orderBy: [{ name: 'asc' }, { organizationId: 'asc' }],
    });
  }

  async setPrice(actor: Actor, input: SetModelPriceInput): Promise<ModelPriceOverride> {
    requireOperator(actor);
    const provider = parseProvider(input.provider);
    const model = parseProviderModel(input.model);
    const organizationId = input.organizationId || null;
    const data = {
      provider,
      model,
      organizationId,
      inputUsdPerMtok: parseUsdPerMtok('inputUsdPerMtok', input.inputUsdPerMtok) as string,
      cachedInputUsdPerMtok: parseUsdPerMtok('cachedInputUsdPerMtok', input.cachedInputUsdPerMtok),
      cacheWriteUsdPerMtok: parseUsdPerMtok('cacheWriteUsdPerMtok', input.cacheWriteUsdPerMtok),
      cacheWrite1hUsdPerMtok: parseUsdPerMtok('cacheWrite1hUsdPerMtok', input.cacheWrite1hUsdPerMtok),
      outputUsdPerMtok: parseUsdPerMtok('outputUsdPerMtok', input.outputUsdPerMtok) as string,
      effectiveFrom: input.effectiveFrom ?? new Date(),
      note: input.note?.trim().slice(0, 500) || null,
      createdById: actor.userId,
    };
    if (Number.isNaN(data.effectiveFrom.getTime())) throw badInput('effectiveFrom is not a date');
    const row = await this.prisma.$transaction(async (tx) => {
      if (organizationId) await this.requireOrganization(tx, organizationId);
      // What applied for this scope until now, so the audit entry shows the change.
      const now = new Date();
      const previous = await tx.modelPriceOverride.findMany({
        where: { provider, model, organizationId, deletedAt: null, effectiveFrom: { lte: now } },
        orderBy: [{ effectiveFrom: 'desc' }, { createdAt: 'desc' }],
        take: 1,
      });
      const created = await tx.modelPriceOverride.create({ data });
      await this.audit.record(tx, actor, {
        organizationId,
        action: 'model-price.set',
        targetType: 'ModelPriceOverride',
        targetId: created.id,
        details: {
          provider,
          model,
          scope: organizationId ? 'organization' : 'global',
          old: priceDetails(previous[0] ?? null),
          new: priceDetails(created),
        },
      });
      return created;
    });
    this.overrides.invalidate();
    return row;
  }

  /** Soft delete: the override stops applying now and stays for the record. */
  async deletePrice(actor: Actor, id: string): Promise<ModelPriceOverride> {
    requireOperator(actor);
    const row = await this.prisma.$transaction(async (tx) => {
      const existing = await tx.modelPriceOverride.findUnique({ where: { id } });
      if (!existing || existing.deletedAt !== null) throw notFound('Model price');
      const deleted = await tx.modelPriceOverride.update({ where: { id }, data: { deletedAt: new Date() } });
      await this.audit.record(tx, actor, {
        organizationId: existing.organizationId,
        action: 'model-price.delete',
        targetType: 'ModelPriceOverride',
        targetId: id,
        details: { provider: existing.provider, model: existing.model, old: priceDetails(existing) },
      });
      return deleted;
    });
    this.overrides.invalidate();
    return row;
  }

  /** Create or replace the alias of this name in this scope (global, or one organization's). */
  async setAlias(actor: Actor, input: SetModelAliasInput): Promise<ModelAlias> {
    requireOperator(actor);
    const name = parseAliasName(input.name);
    const targets = parseAliasTargets(name, input.targets);
    const organizationId = input.organizationId || null;
    const row = await this.prisma.$transaction(async (tx) => {
      if (organizationId) await this.requireOrganization(tx, organizationId);
      const existing = await tx.modelAlias.findFirst({ where: { name, organizationId } });
      const saved = existing
        ? await tx.modelAlias.update({ where: { id: existing.id }, data: { targets } })
        : await tx.modelAlias.create({ data: { name, organizationId, targets, createdById: actor.userId } });
      await this.audit.record(tx, actor, {
        organizationId,
        action: 'model-alias.set',
        targetType: 'ModelAlias',
        targetId: saved.id,
        details: { name, scope: organizationId ? 'organization' : 'global', old: existing?.targets ?? null, new: targets },
      });
      return saved;
    });
    this.overrides.invalidate();
    return row;
  }

  async deleteAlias(actor: Actor, id: string): Promise<ModelAlias> {
    requireOperator(actor);
    const row = await this.prisma.$transaction(async (tx) => {
      const existing = await tx.modelAlias.findUnique({ where: { id } });
      if (!existing) throw notFound('Model alias');
      await tx.modelAlias.delete({ where: { id } });
      await this.audit.record(tx, actor, {
        organizationId: existing.organizationId,
        action: 'model-alias.delete',
        targetType: 'ModelAlias',
        targetId: id,
        details: { name: existing.name, old: existing.targets },
      });
      return existing;
    });
    this.overrides.invalidate();
    return row;
  }

  /** Replace an organization's model lists (operators only: they decide what is served). */
  async setModelAccess(actor: Actor, input: SetModelAccessInput): Promise<ModelAccessRow> {
    requireOperator(actor);
    const allowedModels = parseModelList('allowedModels', input.allowedModels);
    const deniedModels = parseModelList('deniedModels', input.deniedModels);
    const row = await this.prisma.$transaction(async (tx) => {
      const before = await this.requireOrganization(tx, input.organizationId);
      const updated = await tx.organization.update({
        where: { id: input.organizationId },
        data: { allowedModels, deniedModels },
        select: { id: true, allowedModels: true, deniedModels: true },
      });
      await this.audit.record(tx, actor, {
        organizationId: input.organizationId,
        action: 'organization.model-access.set',
        targetType: 'Organization',
        targetId: input.organizationId,
        details: {
          old: { allowedModels: before.allowedModels, deniedModels: before.deniedModels },
          new: { allowedModels, deniedModels },
        },
      });
      return { organizationId: updated.id, allowedModels: updated.allowedModels, deniedModels: updated.deniedModels };
    });
    this.overrides.invalidate();
    return row;
  }

  /** The overrides the actor may see that apply now or later, by `provider\nmodel`, newest first. */
  async overridesByOffer(actor: Actor, at: Date = new Date()): Promise<Map<string, ModelPriceOverride[]>> {
    const rows = await this.listPriceOverrides(actor);
    const byOffer = new Map<string, ModelPriceOverride[]>();
    for (const row of rows) {
      // A row superseded by a later one of the same scope that has already taken effect is history.
      const key = `${row.provider}\n${row.model}`;
      const list = byOffer.get(key) ?? [];
      const superseded = list.some((other) => other.organizationId === row.organizationId && appliesAt(other, at));
      if (!superseded) list.push(row);
      byOffer.set(key, list);
    }
    return byOffer;
  }

  /** Global rows, plus the organization's own (or, with none named, every one the actor belongs to). */
  private visibleScopes(actor: Actor, organizationId?: string | null): { OR?: { organizationId: string | null | { in: string[] } }[] } {
    if (!organizationId && actor.isOperator) return {};
    const own = organizationId ? [organizationId] : [...actor.roles.keys()];
    return { OR: [{ organizationId: null }, { organizationId: { in: own } }] };
  }

  private async requireOrganization(tx: Prisma.TransactionClient, id: string) {
    const organization = await tx.organization.findUnique({ where: { id }, select: { allowedModels: true, deniedModels: true } });
    if (!organization) throw notFound('Organization');
    return organization;
  }
}
