import type { FailureClass, KeySource, RequestStatus } from '../../../shared/domain.js';
import { picoToDecimal, toPico } from '../../../shared/money.js';
import type { PrismaClient } from '../../db/database.js';
import type { UsageRecord } from '../../db/generated/client.js';
import { type Actor, requireTenantRow } from '../actor.js';
import { badInput, notFound } from '../errors.js';
import { afterCursor, NEWEST_FIRST, type Page, pageSize, toPage } from '../pagination.js';
import { PLATFORM_KEY_LABEL, PLATFORM_KEY_REF, recordForViewer } from './platform-key-view.js';
import type { ReportLimiter } from './report-limiter.js';
import { MAX_GROUP_BY, USAGE_DIMENSIONS, USAGE_INTERVALS, type UsageDimension, type UsageInterval } from './usage-dimensions.js';
import { isEmptyScope, resolveScope, scopeToWhere, type UsageFilterInput, type UsageScope } from './usage-filter.js';
import { histogramPercentile } from './usage-histogram.js';
import { ALL_HISTOGRAMS, type HistogramChoice } from './usage-measures.js';
import { queryUsageGroups } from './usage-report-query.js';

/** One group of a usage report: its dimension values (null where not grouped) and its totals. */
export interface UsageGroup {
  bucket: Date | null;
  organizationId: string | null;
  organizationName: string | null;
  projectId: string | null;
  projectName: string | null;
  gatewayKeyId: string | null;
  gatewayKeyName: string | null;
  keyRef: string | null;
  /** A readable name for keyRef: the masked BYOK key, or the hosted key's env name. */
  keyLabel: string | null;
  provider: string | null;
  model: string | null;
  keySource: KeySource | null;
  status: RequestStatus | null;
  failureClass: FailureClass | null;
  endpoint: string | null;
  endUser: string | null;
  /** TAG groups: one tag (a record counts in each of its tags); null for untagged records. */
  tag: string | null;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /**
   * USD, exact decimal text. To non-operators: only the calls on the organization's own keys
   * (what its providers charge it); what the platform's keys cost is the platform's business.
   */
  upstreamCostUsd: string;
  /**
   * Upstream cost of the calls the platform paid for: those served by a platform key (key
   * source hosted or env). BYOK and user-header calls were paid with the organization's own
   * key, so they never count here; margin = billedCostUsd − platformCostUsd. Null to
   * non-operators (tenantCostView).
   */
  platformCostUsd: string | null;
  billedCostUsd: string;
  failures: number;
  cancelled: number;
  costUnknown: number;
  /** Approximate: from log-scale histograms, within ~9.05% of percentile_cont (usage-histogram.ts). */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
}

export interface UsageReport {
  from: Date;
  to: Date;
  interval: UsageInterval;
  groupBy: UsageDimension[];
  groups: UsageGroup[];
  /** True when there were more than MAX_USAGE_GROUPS groups and the rest were left off. */
  truncated: boolean;
}

export const MAX_USAGE_GROUPS = 10_000;

type RawRow = Record<string, unknown>;

/**
 * Usage reports and request logs over UsageRecord, for the dashboard, finance and tools.
 * Every query is bounded by time and, for non-operators, by the organizations they belong to.
 */
export class UsageService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
    private readonly options: { rollups?: boolean; limiter?: ReportLimiter } = {},
  ) {}

  /** Under each organization's report limits (report-limiter.ts), when a limiter is set. */
  private limited<T>(actor: Actor, scope: UsageScope, work: () => Promise<T>): Promise<T> {
    return this.options.limiter ? this.options.limiter.run(actor, scope.organizationIds, work) : work();
  }

  /**
   * Aggregates per group in one SQL query — from the hourly/daily rollups for whole hours and
   * from raw records for the rest (see usage-report-query.ts) — and names of organizations,
   * projects and keys in a second lookup. Counts, tokens and costs are exact; latency
   * percentiles come from histograms, within ~9% of the exact value (usage-histogram.ts).
   */
  async report(
    actor: Actor,
    filter: UsageFilterInput | null | undefined,
    groupBy: readonly UsageDimension[] | null | undefined,
    interval?: UsageInterval | null,
    /** The percentiles the caller shows (the others come back null, and cost nothing). */
    percentiles: HistogramChoice = ALL_HISTOGRAMS,
  ): Promise<UsageReport> {
    const dimensions = checkGroupBy(groupBy ?? []);
    const unit = interval ?? 'DAY';
    if (!USAGE_INTERVALS.includes(unit)) throw badInput(`interval must be one of ${USAGE_INTERVALS.join(', ')}`);
    const scope = resolveScope(actor, filter, this.now());
    const base = { from: scope.from, to: scope.to, interval: unit, groupBy: dimensions };
    if (isEmptyScope(scope)) return { ...base, groups: [], truncated: false };

    return this.limited(actor, scope, async () => {
      const rows = await queryUsageGroups(this.prisma, scope, dimensions, unit, {
        rollups: this.options.rollups ?? true,
        histograms: percentiles,
        limit: MAX_USAGE_GROUPS + 1,
      });
      const truncated = rows.length > MAX_USAGE_GROUPS;
      const groups = rows.slice(0, MAX_USAGE_GROUPS).map(toGroup);
      if (!scope.namesPlatformKeys) for (const group of groups) tenantCostView(group);
      await this.attachNames(groups, dimensions);
      return { ...base, groups, truncated };
    });
  }

  /** Usage records, newest first, with keyset pagination. */
  async requestLogs(
    actor: Actor,
    filter: UsageFilterInput | null | undefined,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<UsageRecord>> {
    const take = pageSize(first);
    const scope = resolveScope(actor, filter, this.now());
    if (isEmptyScope(scope)) return { nodes: [], hasNextPage: false, endCursor: null };
    const rows = await this.limited(actor, scope, () =>
      this.prisma.usageRecord.findMany({
        where: { ...scopeToWhere(scope), ...afterCursor(after) },
        orderBy: [...NEWEST_FIRST],
        take: take + 1,
      }),
    );
    return toPage(
      rows.map((row) => recordForViewer(row, scope.namesPlatformKeys)),
      take,
    );
  }

  /** One request's record. Someone else's request is NOT_FOUND, so ids reveal nothing. */
  async requestLog(actor: Actor, requestId: string): Promise<UsageRecord> {
    if (!requestId || requestId.length > 200) throw notFound('Request');
    const record = await this.prisma.usageRecord.findUnique({ where: { requestId } });
    return recordForViewer(requireTenantRow(actor, record, record?.organizationId, 'Request'), actor.isOperator);
  }

  /** Project names by id (ids the caller may already see; unknown ids are left out). */
  async projectNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.project.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** Gateway key names by id. */
  async gatewayKeyNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.gatewayKey.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /**
   * A key reference made readable: a stored key as "openai sk-…a1b2", the tenants' neutral
   * platform reference as "platform key"; hosted/env names and callers' key hashes as they are.
   */
  async keyLabels(keyRefs: readonly string[]): Promise<Map<string, string>> {
    const ids = keyRefs.filter((ref) => ref !== PLATFORM_KEY_REF);
    const rows =
      ids.length === 0
        ? []
        : await this.prisma.providerKey.findMany({ where: { id: { in: ids } }, select: { id: true, provider: true, mask: true } });
    const stored = new Map(rows.map((key) => [key.id, `${key.provider} ${key.mask}`]));
    return new Map(keyRefs.map((ref) => [ref, ref === PLATFORM_KEY_REF ? PLATFORM_KEY_LABEL : (stored.get(ref) ?? ref)]));
  }

  private async attachNames(groups: UsageGroup[], dimensions: readonly UsageDimension[]): Promise<void> {
    const ids = (pick: (group: UsageGroup) => string | null) => [...new Set(groups.map(pick).filter((id): id is string => id !== null))];
    const none = new Map<string, string>();
    const [organizations, projectNames, gatewayKeyNames, keyLabels] = await Promise.all([
      dimensions.includes('ORGANIZATION')
        ? this.prisma.organization.findMany({ where: { id: { in: ids((g) => g.organizationId) } }, select: { id: true, name: true } })
        : [],
      dimensions.includes('PROJECT') ? this.projectNames(ids((g) => g.projectId)) : none,
      dimensions.includes('GATEWAY_KEY') ? this.gatewayKeyNames(ids((g) => g.gatewayKeyId)) : none,
      dimensions.includes('PROVIDER_KEY') ? this.keyLabels(ids((g) => g.keyRef)) : none,
    ]);
    const organizationNames = new Map(organizations.map((row) => [row.id, row.name]));
    for (const group of groups) {
      if (group.organizationId) group.organizationName = organizationNames.get(group.organizationId) ?? null;
      if (group.projectId) group.projectName = projectNames.get(group.projectId) ?? null;
      if (group.gatewayKeyId) group.gatewayKeyName = gatewayKeyNames.get(group.gatewayKeyId) ?? null;
      // Operators see hosted and env keys by their env name, which is already readable.
      if (group.keyRef) group.keyLabel = keyLabels.get(group.keyRef) ?? group.keyRef;
    }
  }
}

function tenantCostView(group: UsageGroup): void {
  group.upstreamCostUsd = picoToDecimal(toPico(group.upstreamCostUsd) - toPico(group.platformCostUsd ?? '0'));
  group.platformCostUsd = null;
}

function checkGroupBy(groupBy: readonly UsageDimension[]): UsageDimension[] {
  if (groupBy.length > MAX_GROUP_BY) throw badInput(`groupBy takes at most ${MAX_GROUP_BY} dimensions`);
  for (const dimension of groupBy) {
    if (!USAGE_DIMENSIONS.includes(dimension)) throw badInput(`groupBy: unknown dimension ${String(dimension).slice(0, 40)}`);
  }
  if (new Set(groupBy).size !== groupBy.length) throw badInput('groupBy names a dimension twice');
  return [...groupBy];
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const maybeText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function toGroup(row: RawRow): UsageGroup {
  const bucket = row.bucket;
  return {
    bucket: bucket === undefined || bucket === null ? null : bucket instanceof Date ? bucket : new Date(String(bucket)),
    organizationId: maybeText(row.organizationId),
    organizationName: null,
    projectId: maybeText(row.projectId),
    projectName: null,
    gatewayKeyId: maybeText(row.gatewayKeyId),
    gatewayKeyName: null,
    keyRef: maybeText(row.keyRef),
    keyLabel: null,
    provider: maybeText(row.provider),
    model: maybeText(row.model),
    keySource: maybeText(row.keySource) as KeySource | null,
    status: maybeText(row.status) as RequestStatus | null,
    failureClass: maybeText(row.failureClass) as FailureClass | null,
    endpoint: maybeText(row.endpoint),
    endUser: maybeText(row.endUser),
    tag: maybeText(row.tag),
    requests: num(row.requests),
    inputTokens: num(row.inputTokens),
    cachedInputTokens: num(row.cachedInputTokens),
    outputTokens: num(row.outputTokens),
    upstreamCostUsd: String(row.upstreamCostUsd ?? '0'),
    platformCostUsd: String(row.platformCostUsd ?? '0'),
    billedCostUsd: String(row.billedCostUsd ?? '0'),
    failures: num(row.failures),
    cancelled: num(row.cancelled),
    costUnknown: num(row.costUnknown),
    latencyP50Ms: histogramPercentile(row.latencyHistogram as unknown[] | null, 0.5),
    latencyP95Ms: histogramPercentile(row.latencyHistogram as unknown[] | null, 0.95),
    latencyP99Ms: histogramPercentile(row.latencyHistogram as unknown[] | null, 0.99),
    ttftP50Ms: histogramPercentile(row.ttftHistogram as unknown[] | null, 0.5),
  };
}
