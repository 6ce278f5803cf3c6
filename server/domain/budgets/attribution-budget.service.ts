import { MAX_END_USER_LENGTH, tagRuleBroken } from '../../../shared/attribution-tags.js';
import { budgetPeriodKey } from '../../../shared/budget-period.js';
import type { AttributionScope, BudgetPeriod } from '../../../shared/domain.js';
import type { PrismaClient } from '../../db/database.js';
import type { AttributionBudget } from '../../db/generated/client.js';
import { type Actor, requireTenantRow } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput } from '../errors.js';
import { parseDecimal } from '../money.js';

export interface SetAttributionBudgetInput {
  projectId: string;
  scope: AttributionScope;
  value: string;
  budgetUsd: string;
  budgetPeriod: BudgetPeriod;
}

/** An attribution budget with what it has spent and holds in its current period. */
export type AttributionBudgetView = AttributionBudget & { period: string; spentUsd: string; reservedUsd: string };

/** The gateway loads a project's budgets with each key (attribution-budget rules): keep the list bounded. */
export const MAX_ATTRIBUTION_BUDGETS_PER_PROJECT = 1_000;

/**
 * Budgets per tag and per end user within a project (ADMIN and up; audited). The gateway holds
 * and settles them with the key's budget, in the billing store's one statement for budgets.
 */
export class AttributionBudgetService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

  /** Create, or change the one for the same project, scope and value (its spend stays). */
  async set(actor: Actor, input: SetAttributionBudgetInput): Promise<AttributionBudgetView> {
    const found = await this.prisma.project.findUnique({ where: { id: input.projectId }, select: { organizationId: true } });
    const project = requireTenantRow(actor, found, found?.organizationId, 'Project', 'ADMIN');
    const value = validValue(input.scope, input.value);
    const budgetUsd = parseDecimal('budgetUsd', input.budgetUsd);
    const row = await this.prisma.$transaction(async (tx) => {
      const count = await tx.attributionBudget.count({ where: { projectId: input.projectId } });
      const key = { projectId: input.projectId, scope: input.scope, value };
      const existing = await tx.attributionBudget.findUnique({ where: { projectId_scope_value: key }, select: { id: true } });
      if (!existing && count >= MAX_ATTRIBUTION_BUDGETS_PER_PROJECT)
        throw badInput(`A project has at most ${MAX_ATTRIBUTION_BUDGETS_PER_PROJECT} tag and end-user budgets`);
      const saved = await tx.attributionBudget.upsert({
        where: { projectId_scope_value: key },
        create: { ...key, organizationId: project.organizationId, budgetUsd, budgetPeriod: input.budgetPeriod, createdById: actor.userId },
        update: { budgetUsd, budgetPeriod: input.budgetPeriod },
      });
      await this.audit.record(tx, actor, {
        organizationId: project.organizationId,
        action: 'attribution-budget.set',
        targetType: 'AttributionBudget',
        targetId: saved.id,
        details: { projectId: input.projectId, scope: input.scope, value, budgetUsd, budgetPeriod: input.budgetPeriod },
      });
      return saved;
    });
    const [view] = await this.withSpend([row]);
    return view as AttributionBudgetView;
  }

  /** Delete a budget; its spend record goes with it. */
  async delete(actor: Actor, id: string): Promise<boolean> {
    const found = await this.prisma.attributionBudget.findUnique({ where: { id } });
    const row = requireTenantRow(actor, found, found?.organizationId, 'Attribution budget', 'ADMIN');
    await this.prisma.$transaction(async (tx) => {
      await tx.attributionBudget.delete({ where: { id } });
      await tx.budgetSpend.deleteMany({ where: { budgetId: id } });
      await this.audit.record(tx, actor, {
        organizationId: row.organizationId,
        action: 'attribution-budget.delete',
        targetType: 'AttributionBudget',
        targetId: id,
        details: { projectId: row.projectId, scope: row.scope, value: row.value },
      });
    });
    return true;
  }

  /** For batch loading; callers have already authorized the projects. */
  async listForProjects(projectIds: readonly string[]): Promise<AttributionBudgetView[]> {
    const rows = await this.prisma.attributionBudget.findMany({
      where: { projectId: { in: [...projectIds] } },
      orderBy: [{ scope: 'asc' }, { value: 'asc' }],
    });
    return this.withSpend(rows);
  }

  private async withSpend(rows: AttributionBudget[], now = new Date()): Promise<AttributionBudgetView[]> {
    if (rows.length === 0) return [];
    const wanted = rows.map((row) => ({ budgetId: row.id, period: budgetPeriodKey(row.budgetPeriod, now) }));
    const spend = await this.prisma.budgetSpend.findMany({ where: { OR: wanted } });
    const byKey = new Map(spend.map((s) => [`${s.budgetId}:${s.period}`, s]));
    return rows.map((row, i) => {
      const period = wanted[i]?.period ?? 'total';
      const found = byKey.get(`${row.id}:${period}`);
      return { ...row, period, spentUsd: found?.spentUsd.toFixed(12) ?? '0', reservedUsd: found?.reservedUsd.toFixed(12) ?? '0' };
    });
  }
}

/** A tag follows the tag rules; an end user is any non-empty text up to the gateway's limit. */
function validValue(scope: AttributionScope, raw: string): string {
  const value = raw.trim();
  if (value === '') throw badInput('value must not be empty');
  if (scope === 'TAG') {
    const broken = tagRuleBroken(value);
    if (broken) throw badInput(`value: ${broken}`);
  } else if (value.length > MAX_END_USER_LENGTH) {
    throw badInput(`value: an end user is at most ${MAX_END_USER_LENGTH} characters`);
  }
  return value;
}
