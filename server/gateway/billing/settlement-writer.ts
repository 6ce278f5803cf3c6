import type { Logger } from '../../observability/logger.js';
import type { BillingStore } from './billing-store.js';
import type { SettlementRow } from './settlement-row.js';

/** What the writer needs of the billing store. */
export type SettlementStore = Pick<BillingStore, 'settle'>;

export interface SettlementWriterOptions {
  batchSize?: number;
  intervalMs?: number;
  /** Settlements held in memory while the database is unreachable, before new ones are refused. */
  maxPending?: number;
  /** Told the request ids of every batch once it is committed (the embedded journal forgets their intents). */
  onSettled?: (requestIds: string[]) => void;
}

/**
 * Writes settlements in batches, off the response path: usage records, ledger debits, credit
 * and budget reservations — all of a batch in one statement of the billing store, so Σ billed
 * usage equals Σ ledger debits at every commit. A failed batch stays queued and is retried; `close()`
 * drains the queue. Usage records are keyed by request id, so a retried batch cannot
 * record a request twice.
 */
export class SettlementWriter {
  private queue: SettlementRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly maxPending: number;
  private readonly onSettled: ((requestIds: string[]) => void) | undefined;

  constructor(
    private readonly store: SettlementStore,
    private readonly logger: Logger,
    options: SettlementWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.intervalMs = options.intervalMs ?? 100;
    this.maxPending = options.maxPending ?? 200_000;
    this.onSettled = options.onSettled;
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(settlement: SettlementRow): void {
    if (this.queue.length >= this.maxPending) {
      this.logger.error({ requestId: settlement.requestId }, 'Settlement queue full; the database has been unreachable too long');
      return;
    }
    this.queue.push(settlement);
    // Credits and budgets are held from this instance's leases, which settle in memory at once:
    // nothing another request waits for is released by the write, so every row can wait for the interval.
    if (this.queue.length >= this.batchSize) void this.flush();
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
    this.flushing = this.store
      .settle(batch)
      .then(() => {
        this.queue.splice(0, batch.length);
        this.failures = 0;
        this.onSettled?.(batch.map((row) => row.requestId));
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
}
