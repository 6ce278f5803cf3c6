import type { PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../db/generated/client.js';
import type { Logger } from '../../observability/logger.js';
import { decimalToPico, picoToDecimal } from './pricing.js';

/** One request's outcome in money and records, ready to write. */
export interface Settlement {
  usage: Prisma.UsageRecordCreateManyInput;
  organizationId: string;
  /** Billed cost to debit from credits (0 when the project does not run on credits). */
  debitPico: bigint;
  /** Credit reservation to release. */
  reservedCreditsPico: bigint;
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
 * and budget reservations — all of a batch in one transaction, so Σ billed usage equals
 * Σ ledger debits at every commit. A failed batch stays queued and is retried; `close()`
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
    // A held reservation blocks credit or budget for others until released: write it at once
    // (batches still form while a write is in flight); plain usage can wait for the interval.
    const holds = settlement.reservedCreditsPico > 0n || settlement.budget !== null;
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
    await this.prisma.$transaction(async (tx) => {
      await tx.usageRecord.createMany({ data: batch.map((s) => s.usage), skipDuplicates: true });
      // Release only holds still on record: the sweeper may have released a very old one already.
      const held = batch.filter((s) => s.reservedCreditsPico > 0n || s.budget).map((s) => s.usage.requestId);
      const released = new Set(
        held.length === 0
          ? []
          : (await tx.$queryRaw<{ requestId: string }[]>`DELETE FROM "Reservation" WHERE "requestId" = ANY(${held}) RETURNING "requestId"`).map(
              (row) => row.requestId,
            ),
      );
      const releasedCredits = (s: Settlement) => (released.has(s.usage.requestId) ? s.reservedCreditsPico : 0n);

      for (const [organizationId, group] of groupBy(batch, (s) => s.organizationId)) {
        const debit = sum(group.map((s) => s.debitPico));
        const release = sum(group.map(releasedCredits));
        if (debit === 0n && release === 0n) continue;
        const organization = await tx.organization.update({
          where: { id: organizationId },
          data: { creditBalance: { decrement: picoToDecimal(debit) }, creditReserved: { decrement: picoToDecimal(release) } },
          select: { creditBalance: true },
        });
        const debits = group.filter((s) => s.debitPico > 0n);
        if (debits.length === 0) continue;
        // balanceAfter for each entry, walking back from the balance after the whole group.
        let after = decimalToPico(organization.creditBalance);
        const entries = debits
          .reverse()
          .map((s) => {
            const entry = {
              organizationId,
              kind: 'USAGE' as const,
              amountUsd: picoToDecimal(-s.debitPico),
              balanceAfter: picoToDecimal(after),
              requestId: s.usage.requestId,
              note: `${s.usage.provider ?? ''} ${s.usage.model}`.trim(),
            };
            after += s.debitPico;
            return entry;
          })
          .reverse();
        await tx.creditLedgerEntry.createMany({ data: entries });
      }
      for (const s of batch) {
        if (!s.budget) continue;
        const release = released.has(s.usage.requestId) ? s.budget.reservedPico : 0n;
        await tx.gatewayKeySpend.update({
          where: { gatewayKeyId_period: { gatewayKeyId: s.budget.gatewayKeyId, period: s.budget.period } },
          data: { spentUsd: { increment: picoToDecimal(s.budget.spentPico) }, reservedUsd: { decrement: picoToDecimal(release) } },
        });
      }
    });
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

const sum = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);
