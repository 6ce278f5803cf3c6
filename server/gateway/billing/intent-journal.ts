import type { Logger } from '../../observability/logger.js';
import type { BillingStore } from './billing-store.js';
import type { UsageIntent } from './usage-intent.js';

/** What the journal needs of the billing store. */
export type IntentStore = Pick<BillingStore, 'writeIntents' | 'heartbeat' | 'recoverIntents' | 'retireInstance'>;

export interface IntentJournalOptions {
  /** How long the first intent waits for others to join it when no batch is being written (0: the next turn of the event loop). */
  maxWaitMs?: number;
  /** The most intents one statement writes. */
  maxBatch?: number;
  /** An instance whose heartbeat is older than this is dead, and its intents are recovered. */
  deadAfterMs?: number;
}

interface Waiting {
  intent: UsageIntent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Write-ahead accounting with group commit. A request about to call upstream hands its intent
 * here and waits until the intent is committed. One batch is written at a time (Nagle-style):
 * an idle journal writes at once, and whatever arrives while a batch is being written joins the
 * next one, which goes out the moment the previous commits. So at a steady rate an intent costs
 * one commit, and under load batches grow with the load instead of statements piling up (each
 * statement has a fixed cost in the client and a commit; many small ones in flight starve the
 * settlement writer). Also keeps this instance's heartbeat fresh on its own timer and, at start
 * and then every half `deadAfterMs`, recovers the intents of dead instances into usage records.
 */
export class IntentJournal {
  private queue: Waiting[] = [];
  private scheduled = false;
  private writing: Promise<void> | null = null;
  private readonly maxWaitMs: number;
  private readonly maxBatch: number;
  readonly deadAfterMs: number;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private recoveryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: IntentStore,
    private readonly logger: Logger,
    readonly instanceId: string,
    options: IntentJournalOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 0;
    this.maxBatch = options.maxBatch ?? 2_000;
    this.deadAfterMs = options.deadAfterMs ?? 15_000;
  }

  /** Resolves once the intent is durable; rejects when it could not be written (the call must not be made). */
  record(intent: UsageIntent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ intent, resolve, reject });
      this.schedule();
    });
  }

  /** Start a write soon unless one is running (its end starts the next) or already scheduled. */
  private schedule(): void {
    if (this.writing || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.flush();
    };
    // Intents asked for in the same turn of the event loop share the first statement too.
    if (this.maxWaitMs > 0) setTimeout(go, this.maxWaitMs);
    else setImmediate(go);
  }

  /** Write up to `maxBatch` waiting intents as one statement; when it ends, the next batch goes. */
  private flush(): void {
    if (this.writing) return;
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.writing = this.store
      .writeIntents(
        this.instanceId,
        batch.map((waiting) => waiting.intent),
      )
      .then(
        () => {
          for (const waiting of batch) waiting.resolve();
        },
        (error: unknown) => {
          this.logger.error({ err: error, intents: batch.length }, 'Writing usage intents failed; their requests are refused');
          for (const waiting of batch) waiting.reject(error);
        },
      )
      .finally(() => {
        this.writing = null;
        if (this.queue.length > 0) this.flush();
      });
  }

  /** Heartbeat every fifth of `deadAfterMs`; recover dead instances' intents now and every half of it. Timers never keep the process alive. */
  start(): void {
    const beat = () =>
      this.store
        .heartbeat(this.instanceId)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Instance heartbeat failed; will retry'));
    void beat().then(() => this.recover());
    this.heartbeatTimer = setInterval(() => void beat(), Math.max(200, Math.floor(this.deadAfterMs / 5)));
    this.recoveryTimer = setInterval(() => void this.recover(), Math.max(500, Math.floor(this.deadAfterMs / 2)));
    this.heartbeatTimer.unref();
    this.recoveryTimer.unref();
  }

  /** Recover every intent dead instances left; returns how many usage records that wrote. */
  async recover(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const recovered = await this.store.recoverIntents(this.instanceId, this.deadAfterMs);
        total += recovered;
        if (recovered === 0) break;
      }
      if (total > 0) this.logger.warn({ recovered: total }, 'Recorded requests a dead instance made and never settled');
    } catch (error) {
      this.logger.error({ err: error }, 'Recovering usage intents failed; will retry');
    }
    return total;
  }

  /**
   * Stop timers and wait for batches in flight. Call after the settlement writer has drained:
   * retiring the instance lets the next recovery pass take whatever it could not settle.
   */
  async close(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    this.flush();
    while (this.writing) await this.writing;
    await this.store
      .retireInstance(this.instanceId)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Retiring this instance failed'));
  }
}
