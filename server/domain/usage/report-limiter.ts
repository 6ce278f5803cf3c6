import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { StateStore } from '../../state/state-store.js';
import { RateLimitedError } from '../errors.js';

export interface ReportLimits {
  /** Reports of one organization running at once (per instance); more wait their turn. */
  concurrent: number;
  /** Reports of one organization waiting for a turn; past it, refused. */
  maxWaiting: number;
  /** Time one organization's reports may take per minute, in ms (shared by instances through the StateStore). */
  msPerMinute: number;
}

export const REPORT_LIMITS: ReportLimits = { concurrent: 2, maxWaiting: 16, msPerMinute: 20_000 };

/** One organization's turns: how many run, and who waits (first come, first served). */
interface Turns {
  running: number;
  waiting: (() => void)[];
}

/**
 * Usage reports and request logs read the database for as long as their range and grouping
 * take (a report over a million records, a quarter of a second); any member may ask for them.
 * Without a bound, one organization asking again and again holds the database — the embedded
 * one has a single thread — and every other organization's dashboard, and the gateway's own
 * statements, wait behind it. So each organization gets `concurrent` reports at a time (the
 * rest queue, as a dashboard asks for several at once) and `msPerMinute` of their time; past
 * either, RATE_LIMITED with when to retry. Operators' reports are not limited.
 */
export class ReportLimiter {
  private readonly turns = new Map<string, Turns>();
  private readonly spent: RateLimiterAbstract;

  constructor(
    state: StateStore,
    private readonly limits: ReportLimits = REPORT_LIMITS,
  ) {
    this.spent = state.limiter({ name: 'usage-report-ms', points: limits.msPerMinute, durationSeconds: 60 });
  }

  /** Run one report over `organizationIds` (null: an operator's, unlimited) under each organization's limits. */
  async run<T>(organizationIds: readonly string[] | null, work: () => Promise<T>): Promise<T> {
    if (organizationIds === null || organizationIds.length === 0) return work();
    // One order for everyone, so two reports over the same organizations never wait on each other.
    const ids = [...new Set(organizationIds)].sort();
    await this.refuseOverBudget(ids);
    const taken: string[] = [];
    try {
      for (const id of ids) {
        await this.take(id);
        taken.push(id);
      }
      const started = performance.now();
      try {
        return await work();
      } finally {
        const elapsed = Math.ceil(performance.now() - started);
        await Promise.all(ids.map((id) => this.spent.penalty(id, elapsed)));
      }
    } finally {
      for (const id of taken) this.give(id);
    }
  }

  private async refuseOverBudget(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const used = await this.spent.get(id);
      if (used && used.consumedPoints >= this.limits.msPerMinute) {
        throw new RateLimitedError(
          "This organization's usage reports have used their database time for this minute; retry shortly",
          Math.max(1, Math.ceil(used.msBeforeNext / 1000)),
        );
      }
    }
  }

  private take(id: string): Promise<void> {
    let turns = this.turns.get(id);
    if (!turns) {
      turns = { running: 0, waiting: [] };
      this.turns.set(id, turns);
    }
    if (turns.running < this.limits.concurrent) {
      turns.running += 1;
      return Promise.resolve();
    }
    if (turns.waiting.length >= this.limits.maxWaiting) {
      throw new RateLimitedError("Too many of this organization's usage reports are running; retry shortly", 1);
    }
    const queue = turns.waiting;
    // The turn passes straight from the report that ends (give) to this one: `running` stays counted.
    return new Promise((resolve) => queue.push(resolve));
  }

  private give(id: string): void {
    const turns = this.turns.get(id);
    if (!turns) return;
    const next = turns.waiting.shift();
    if (next) {
      next();
      return;
    }
    turns.running -= 1;
    if (turns.running === 0) this.turns.delete(id);
  }
}
