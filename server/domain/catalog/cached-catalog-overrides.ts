import type { ConfigChanges } from '../../db/config-changes.js';
import type { PrismaClient } from '../../db/database.js';
import type { DirectSql, HotStatement } from '../../db/direct-sql.js';
import { REQUEST_PATH_CACHE, RefreshAheadCache } from '../../state/refresh-ahead-cache.js';
import type { CatalogOverrides, ModelAccess, PriceOverride } from './catalog-overrides.js';

/** Deleted overrides stay loaded this long, so a request priced at its start still sees one deleted since. */
const DELETED_GRACE_MS = 60 * 60_000;

interface OverrideRow {
  id: string;
  provider: string;
  model: string;
  organizationId: string | null;
  inputUsdPerMtok: { toFixed(digits: number): string };
  cachedInputUsdPerMtok: { toFixed(digits: number): string } | null;
  cacheWriteUsdPerMtok: { toFixed(digits: number): string } | null;
  cacheWrite1hUsdPerMtok: { toFixed(digits: number): string } | null;
  outputUsdPerMtok: { toFixed(digits: number): string };
  effectiveFrom: Date;
  deletedAt: Date | null;
}

interface Snapshot {
  /** `provider\nmodel` → rows, newest effectiveFrom first. */
  overrides: Map<string, OverrideRow[]>;
  /** Alias name → targets: global under '', an organization's under its id. */
  aliases: Map<string, Map<string, readonly string[]>>;
}

/** An organization's ($1) model lists: read without Prisma when its cached ones went cold. */
export const MODEL_ACCESS: HotStatement = {
  name: 'kp_model_access',
  text: `SELECT "allowedModels", "deniedModels" FROM "Organization" WHERE "id" = $1`,
};

const decimal = (value: { toFixed(digits: number): string }) => value.toFixed(12).replace(/\.?0+$/, '');

/** The override a row stands for, as pricing reads it. */
export function toPriceOverride(row: OverrideRow): PriceOverride {
  return {
    id: row.id,
    scope: row.organizationId === null ? 'global' : 'organization',
    input: decimal(row.inputUsdPerMtok),
    cachedInput: row.cachedInputUsdPerMtok && decimal(row.cachedInputUsdPerMtok),
    cacheWrite: row.cacheWriteUsdPerMtok && decimal(row.cacheWriteUsdPerMtok),
    cacheWrite1h: row.cacheWrite1hUsdPerMtok && decimal(row.cacheWrite1hUsdPerMtok),
    output: decimal(row.outputUsdPerMtok),
    effectiveFrom: row.effectiveFrom,
  };
}

/** Whether `row` applies at `at`: it has taken effect and was not deleted by then. */
export function appliesAt(row: { effectiveFrom: Date; deletedAt: Date | null }, at: Date): boolean {
  return row.effectiveFrom <= at && (row.deletedAt === null || row.deletedAt > at);
}

/**
 * CatalogOverrides over the database, read on every gateway request: every override and alias
 * (operator-set, so few) in one snapshot, and each organization's model lists, cached as the
 * gateway caches its other lookups (REQUEST_PATH_CACHE, or until a change is announced: stale
 * on another instance for less than a second). The instance that made a change drops its
 * copies at once (`invalidate`). Concurrent loads share one query.
 */
export class CachedCatalogOverrides implements CatalogOverrides {
  private readonly snapshot: RefreshAheadCache<Snapshot>;
  private readonly access: RefreshAheadCache<ModelAccess>;

  constructor(
    private readonly prisma: PrismaClient,
    direct: DirectSql,
    changes?: ConfigChanges,
  ) {
    // Every organization's overrides and aliases in one entry, which every request reads: dropped
    // only by a change to those tables, not by every tenant's every change.
    this.snapshot = new RefreshAheadCache(() => this.read(), {
      max: 1,
      ...REQUEST_PATH_CACHE,
      changes,
      tables: ['ModelPriceOverride', 'ModelAlias'],
    });
    this.access = new RefreshAheadCache<ModelAccess>(
      async (organizationId) => {
        const [row] = await direct.query<{ allowedModels: string[]; deniedModels: string[] }>(MODEL_ACCESS, [organizationId]);
        return { allowed: row?.allowedModels ?? [], denied: row?.deniedModels ?? [] };
      },
      { max: 10_000, ...REQUEST_PATH_CACHE, changes, organizationOf: (organizationId) => organizationId },
    );
  }

  async priceOverride(provider: string, providerModel: string, organizationId: string, at: Date): Promise<PriceOverride | null> {
    const rows = (await this.load()).overrides.get(`${provider}\n${providerModel}`) ?? [];
    const own = rows.find((row) => row.organizationId === organizationId && appliesAt(row, at));
    const global = rows.find((row) => row.organizationId === null && appliesAt(row, at));
    const chosen = own ?? global;
    return chosen ? toPriceOverride(chosen) : null;
  }

  async alias(name: string, organizationId: string): Promise<readonly string[] | null> {
    const byScope = (await this.load()).aliases.get(name);
    return byScope?.get(organizationId) ?? byScope?.get('') ?? null;
  }

  async modelAccess(organizationId: string): Promise<ModelAccess> {
    return this.access.get(organizationId);
  }

  /** A change on this instance: the next request reads it fresh. */
  invalidate(): void {
    this.snapshot.clear();
    this.access.clear();
  }

  private load(): Promise<Snapshot> {
    return this.snapshot.get('all');
  }

  private async read(): Promise<Snapshot> {
    const [overrides, aliases] = await Promise.all([
      this.prisma.modelPriceOverride.findMany({
        where: { OR: [{ deletedAt: null }, { deletedAt: { gt: new Date(Date.now() - DELETED_GRACE_MS) } }] },
        orderBy: [{ effectiveFrom: 'desc' }, { createdAt: 'desc' }],
      }),
      this.prisma.modelAlias.findMany({ select: { name: true, organizationId: true, targets: true } }),
    ]);
    const snapshot: Snapshot = { overrides: new Map(), aliases: new Map() };
    for (const row of overrides) {
      const key = `${row.provider}\n${row.model}`;
      const list = snapshot.overrides.get(key) ?? [];
      list.push(row);
      snapshot.overrides.set(key, list);
    }
    for (const row of aliases) {
      const byScope = snapshot.aliases.get(row.name) ?? new Map<string, readonly string[]>();
      byScope.set(row.organizationId ?? '', row.targets);
      snapshot.aliases.set(row.name, byScope);
    }
    return snapshot;
  }
}
