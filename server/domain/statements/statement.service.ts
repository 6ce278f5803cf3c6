import { picoToDecimal, toPico } from '../../../shared/money.js';
import type { PrismaClient } from '../../db/database.js';
import { type Actor, requireOrgRole } from '../actor.js';
import { notFound } from '../errors.js';
import type { ReportLimiter } from '../usage/report-limiter.js';
import { parseStatementMonth } from './statement-month.js';
import { queryCreditEntries, queryLedgerTotals, queryUsageCells, type UsageCellRow } from './statement-query.js';

/** Usage of one project, model or tag (or all of them) in the month. Amounts: exact decimal USD text. */
export interface StatementLine {
  /** The project id, model or tag; null for untagged usage and for the total. */
  key: string | null;
  label: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Upstream cost of calls on the organization's own keys (BYOK, caller's key): what its providers charge it. */
  ownKeyCostUsd: string;
  /** Upstream cost of calls on the platform's keys: the platform's cost, null unless the viewer is an operator. */
  platformCostUsd: string | null;
  billedCostUsd: string;
}

export interface StatementCreditEntry {
  id: string;
  /** GRANT (credits added) or ADJUSTMENT. */
  kind: string;
  amountUsd: string;
  note: string;
  createdAt: Date;
}

/**
 * An organization's monthly statement. The ledger part satisfies, exactly:
 * openingBalance + creditsAdded + adjustments − creditsSpent − byokFees = closingBalance, and the
 * usage part: total.billedCost = creditsSpent + byokFees + billedOutsideCredits.
 */
export interface Statement {
  organizationId: string;
  organizationName: string;
  /** `YYYY-MM`, UTC. */
  month: string;
  from: Date;
  to: Date;
  /** False for the current month: a statement to date. */
  complete: boolean;
  generatedAt: Date;
  /** Σ of the ledger before the month. */
  openingBalanceUsd: string;
  creditsAddedUsd: string;
  adjustmentsUsd: string;
  /** Debits for calls on the platform's keys. */
  creditsSpentUsd: string;
  /** Debits for calls on the organization's own keys: the BYOK fee. */
  byokFeesUsd: string;
  closingBalanceUsd: string;
  /** The month's grants and adjustments, oldest first. */
  creditEntries: StatementCreditEntry[];
  /** Billed cost of the month's usage that no ledger entry debited (0 when every bill went through credits). */
  billedOutsideCreditsUsd: string;
  /** Whether platformCostUsd is filled in: operators only. */
  showsPlatformCost: boolean;
  total: StatementLine;
  byProject: StatementLine[];
  byModel: StatementLine[];
  /** A request counts once in each of its tags, so these lines may add up to more than the total. */
  byTag: StatementLine[];
}

/** Sums in pico-USD while lines are built; text only at the end. */
interface Sums {
  requests: number;
  inputTokens: bigint;
  outputTokens: bigint;
  ownKeyPico: bigint;
  platformPico: bigint;
  billedPico: bigint;
}

const UNTAGGED = '(untagged)';
const DELETED_PROJECT = '(deleted project)';

/** Monthly statements computed from the credit ledger and the usage records; nothing is stored. */
export class StatementService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
    /** A month of an organization's records is read like a usage report, under the same limits. */
    private readonly limiter: ReportLimiter | null = null,
  ) {}

  /**
   * Members and up of the organization, and operators. Tenants never see the platform's cost
   * of their calls (or, from it, its margin); they do see what their own keys cost upstream,
   * on which the BYOK fee is charged.
   */
  async statement(actor: Actor, organizationId: string, monthText: string): Promise<Statement> {
    requireOrgRole(actor, organizationId, 'MEMBER');
    const now = this.now();
    const month = parseStatementMonth(monthText, now);
    const organization = await this.prisma.organization.findUnique({ where: { id: organizationId }, select: { id: true, name: true } });
    if (!organization) throw notFound('Organization');

    const read = () =>
      Promise.all([
        queryLedgerTotals(this.prisma, organizationId, month),
        queryCreditEntries(this.prisma, organizationId, month),
        queryUsageCells(this.prisma, organizationId, month),
      ]);
    const [ledger, entries, cells] = this.limiter ? await this.limiter.run(actor, [organizationId], read) : await read();
    const projectNames = await this.projectNames(cells);
    const showsPlatformCost = actor.isOperator;
    const line = (key: string | null, label: string, sums: Sums): StatementLine => ({
      key,
      label,
      requests: sums.requests,
      inputTokens: Number(sums.inputTokens),
      outputTokens: Number(sums.outputTokens),
      ownKeyCostUsd: picoToDecimal(sums.ownKeyPico),
      platformCostUsd: showsPlatformCost ? picoToDecimal(sums.platformPico) : null,
      billedCostUsd: picoToDecimal(sums.billedPico),
    });
    const lines = (groups: Map<string | null, Sums>, label: (key: string | null) => string) =>
      [...groups]
        .map(([key, sums]) => ({ key, sums }))
        .sort(
          (a, b) =>
            (b.sums.billedPico > a.sums.billedPico ? 1 : b.sums.billedPico < a.sums.billedPico ? -1 : 0) ||
            b.sums.requests - a.sums.requests,
        )
        .map(({ key, sums }) => line(key, label(key), sums));

    const total = emptySums();
    const byProject = new Map<string | null, Sums>();
    const byModel = new Map<string | null, Sums>();
    const byTag = new Map<string | null, Sums>();
    let debitedPico = 0n;
    for (const cell of cells) {
      const sums = cellSums(cell);
      debitedPico += toPico(cell.debitedUsd);
      add(total, sums);
      add(group(byProject, cell.projectId), sums);
      add(group(byModel, cell.model), sums);
      for (const tag of cell.tags.length > 0 ? cell.tags : [null]) add(group(byTag, tag), sums);
    }

    const opening = toPico(ledger.opening);
    const added = toPico(ledger.added);
    const adjusted = toPico(ledger.adjusted);
    const spent = toPico(ledger.spent);
    const fees = toPico(ledger.fees);
    return {
      organizationId,
      organizationName: organization.name,
      month: month.month,
      from: month.from,
      to: month.to,
      complete: now.getTime() >= month.to.getTime(),
      generatedAt: now,
      openingBalanceUsd: picoToDecimal(opening),
      creditsAddedUsd: picoToDecimal(added),
      adjustmentsUsd: picoToDecimal(adjusted),
      creditsSpentUsd: picoToDecimal(spent),
      byokFeesUsd: picoToDecimal(fees),
      closingBalanceUsd: picoToDecimal(opening + added + adjusted - spent - fees),
      creditEntries: entries.map((entry) => ({ ...entry, amountUsd: picoToDecimal(toPico(entry.amountUsd)) })),
      billedOutsideCreditsUsd: picoToDecimal(total.billedPico - debitedPico),
      showsPlatformCost,
      total: line(null, 'Total', total),
      byProject: lines(byProject, (id) => (id ? (projectNames.get(id) ?? DELETED_PROJECT) : DELETED_PROJECT)),
      byModel: lines(byModel, (model) => model ?? ''),
      byTag: lines(byTag, (tag) => tag ?? UNTAGGED),
    };
  }

  private async projectNames(cells: readonly UsageCellRow[]): Promise<Map<string, string>> {
    const ids = [...new Set(cells.map((cell) => cell.projectId))];
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}

function emptySums(): Sums {
  return { requests: 0, inputTokens: 0n, outputTokens: 0n, ownKeyPico: 0n, platformPico: 0n, billedPico: 0n };
}

function cellSums(cell: UsageCellRow): Sums {
  const upstream = toPico(cell.upstreamCostUsd);
  return {
    requests: cell.requests,
    inputTokens: BigInt(cell.inputTokens ?? 0),
    outputTokens: BigInt(cell.outputTokens ?? 0),
    ownKeyPico: cell.keyKind === 'own' ? upstream : 0n,
    platformPico: cell.keyKind === 'platform' ? upstream : 0n,
    billedPico: toPico(cell.billedCostUsd),
  };
}

function group(groups: Map<string | null, Sums>, key: string | null): Sums {
  let sums = groups.get(key);
  if (!sums) {
    sums = emptySums();
    groups.set(key, sums);
  }
  return sums;
}

function add(into: Sums, sums: Sums): void {
  into.requests += sums.requests;
  into.inputTokens += sums.inputTokens;
  into.outputTokens += sums.outputTokens;
  into.ownKeyPico += sums.ownKeyPico;
  into.platformPico += sums.platformPico;
  into.billedPico += sums.billedPico;
}
