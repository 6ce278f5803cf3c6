import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { StateStore } from '../../state/state-store.js';
import type { Actor } from '../actor.js';
import { RateLimitedError } from '../errors.js';

export interface ReportLimits {
  /** Reports of one organization running at once (per instance); more wait their turn. */
  concurrent: number;
  /** Reports of one organization waiting for a turn; past it, refused. */
  maxWaiting: number;
  /** Time one organization's reports may take per minute, in ms (shared by instances through the StateStore). */
  msPerMinute: number;
  /** How long a report waits for its turns in all before it is refused (a stalled database must not pile waiters up). */
  maxWaitMs: number;
}

export const REPORT_LIMITS: ReportLimits = { concurrent: 2, maxWaiting: 16, msPerMinute: 20_000, maxWaitMs: 30_000 };

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

  /** Run one report of `actor`'s over `organizationIds` under each organization's limits (an operator's runs unlimited). */
  async run<T>(actor: Pick<Actor, 'isOperator'>, organizationIds: readonly string[] | null, work: () => Promise<T>): Promise<T> {
    if (actor.isOperator || organizationIds === null || organizationIds.length === 0) return work();
    const ids = [...new Set(organizationIds)];
    await this.refuseOverBudget(ids);
    await this.takeTurns(ids);
    try {
      // Time its organizations spent while this one waited counts too.
      await this.refuseOverBudget(ids);
      const started = performance.now();
      try {
        return await work();
      } finally {
        const elapsed = Math.ceil(performance.now() - started);
        await Promise.all(ids.map((id) => this.spent.penalty(id, elapsed)));
      }
    } finally {
      this.giveTurns(ids);
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

  /**
   * A turn of every organization at once, or none: a report over several organizations (a
   * member of several asks for all of them) holds no turn of one while it waits for another's,
   * so another organization's reports can never hold up this one's. Waits first come, first
   * served on an organization with no turn free, then looks again.
   */
  private async takeTurns(ids: readonly string[]): Promise<void> {
    let queued = false;
    const deadline = performance.now() + this.limits.maxWaitMs;
    for (;;) {
      const full = ids.find((id) => (this.turns.get(id)?.running ?? 0) >= this.limits.concurrent);
      if (full === undefined) {
        for (const id of ids) this.turnsOf(id).running += 1;
        return;
      }
      const turns = this.turnsOf(full);
      // Only a new arrival is refused: one already waiting keeps its patience.
      if (!queued && turns.waiting.length >= this.limits.maxWaiting) {
        if (turns.running === 0 && turns.waiting.length === 0) this.turns.delete(full);
        throw new RateLimitedError("Too many of this organization's usage reports are running; retry shortly", 1);
      }
      queued = true;
      if (!(await this.waitForTurn(turns, deadline - performance.now()))) {
        throw new RateLimitedError("This organization's usage reports waited too long for their turn; retry shortly", 1);
      }
    }
  }

  /** Wait in `turns`' queue until woken (true) or `ms` pass (false: out of the queue again). */
  private waitForTurn(turns: Turns, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          const at = turns.waiting.indexOf(wake);
          if (at >= 0) turns.waiting.splice(at, 1);
          resolve(false);
        },
        Math.max(0, ms),
      );
      turns.waiting.push(wake);
    });
  }

  private turnsOf(id: string): Turns {
    let turns = this.turns.get(id);
    if (!turns) {
      turns = { running: 0, waiting: [] };
      this.turns.set(id, turns);
    }
    return turns;
  }

  /**
   * Give back a turn of each organization; everyone waiting there looks again, in the order they
   * came (the first takes the turn, the others wait again). Waking one alone could wake a report
   * that then waits on another organization, leaving the freed turn unused.
   */
  private giveTurns(ids: readonly string[]): void {
    for (const id of ids) {
      const turns = this.turns.get(id);
      if (!turns) continue;
      turns.running -= 1;
      const waiting = turns.waiting.splice(0);
      if (waiting.length === 0 && turns.running === 0) this.turns.delete(id);
      for (const wake of waiting) wake();
    }
  }
}
