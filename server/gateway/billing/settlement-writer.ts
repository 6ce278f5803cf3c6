import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../db/generated/client.js';
import type { Logger } from '../../observability/logger.js';
import { picoToDecimal } from './pricing.js';
import { SETTLE_BATCH_SQL, USAGE_COLUMNS } from './settle-batch.sql.js';

/** One request's outcome in money and records, ready to write. */
export interface Settlement {
  usage: Prisma.UsageRecordCreateManyInput;
  organizationId: string;
  /** Billed cost to debit from credits (0 when the project does not run on credits). */
  debitPico: bigint;
  /** The credit lease the request was held from (its billing is consumed from it). */
  leaseId: string | null;
  budget: { gatewayKeyId: string; period: string; reservedPico: bigint; spentPico: bigint } | null;
}

export interface SettlementWriterOptions {
  batchSize?: number;
  intervalMs?: number;
  /** Settlements held in memory while the database is unreachable, before new ones are refused. */
  maxPending?: number;
}

/**
 * Writes settlements in batches, off the response path: usage records, ledger debits, credit
 * and budget reservations — all of a batch in one statement (SETTLE_BATCH_SQL), so Σ billed
 * usage equals Σ ledger debits at every commit. A failed batch stays queued and is retried; `close()`
 * drains the queue. Usage records are keyed by request id, so a retried batch cannot
 * record a request twice.
 */
export class SettlementWriter {
  private queue: Settlement[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    options: SettlementWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.intervalMs = options.intervalMs ?? 100;
    this.maxPending = options.maxPending ?? 200_000;
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(settlement: Settlement): void {
    if (this.queue.length >= this.maxPending) {
      this.logger.error({ requestId: settlement.usage.requestId }, 'Settlement queue full; the database has been unreachable too long');
      return;
    }
    this.queue.push(settlement);
    // A budget hold blocks the key for others until released: write it at once (batches still
    // form while a write is in flight); usage and lease-backed credit can wait for the interval.
    const holds = settlement.budget !== null;
    if (this.queue.length >= this.batchSize || (holds && !this.flushing)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Write everything queued so far (waits for a flush in progress). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue.slice(0, this.batchSize);
    this.flushing = this.write(batch)
      .then(() => {
        this.queue.splice(0, batch.length);
        this.failures = 0;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        this.logger.error({ err: error, pending: this.queue.length, attempt: this.failures }, 'Writing usage failed; will retry');
      })
      .finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) {
          const delay = this.failures === 0 ? 0 : Math.min(5_000, 100 * 2 ** this.failures);
          this.timer ??= setTimeout(() => void this.flush(), delay);
        }
      });
    await this.flushing;
  }

  /** Drain the queue; gives up after `timeoutMs` and reports what could not be written. */
  async close(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.queue.length;
  }

  private async write(batch: Settlement[]): Promise<void> {
    await this.prisma.$queryRawUnsafe(SETTLE_BATCH_SQL, ...toColumnArrays(batch));
  }
}

/** The batch as one array per column, in SETTLE_BATCH_SQL's parameter order. */
function toColumnArrays(batch: Settlement[]): unknown[][] {
  const usageColumns = USAGE_COLUMNS.map(([name]) =>
    batch.map((s) => {
      const value = (s.usage as Record<string, unknown>)[name];
      if (name === 'id') return typeof value === 'string' ? value : randomUUID();
      if (name === 'routing') return value === undefined || value === null ? null : JSON.stringify(value);
      if (name === 'createdAt') return (value instanceof Date ? value : new Date(String(value ?? Date.now()))).toISOString();
      if (value === undefined) return COLUMN_DEFAULTS[name] ?? null;
      return typeof value === 'object' && value !== null ? String(value) : value;
    }),
  );
  const moneyColumns: unknown[][] = [
    batch.map((s) => picoToDecimal(s.debitPico)),
    batch.map((s) => s.leaseId),
    batch.map((s) => s.budget?.gatewayKeyId ?? null),
    batch.map((s) => s.budget?.period ?? null),
    batch.map((s) => (s.budget ? picoToDecimal(s.budget.spentPico) : null)),
    batch.map((s) => (s.budget ? picoToDecimal(s.budget.reservedPico) : null)),
  ];
  return [...usageColumns, ...moneyColumns];
}

/** What the database would fill in for a column a settlement left out. */
const COLUMN_DEFAULTS: Record<string, unknown> = {
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  tokensEstimated: false,
  upstreamCostUsd: '0',
  billedCostUsd: '0',
  costKnown: true,
  streamed: false,
  attempts: 1,
};

