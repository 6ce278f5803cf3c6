import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../server/domain/errors.js';
import { REPORT_LIMITS, ReportLimiter } from '../../../server/domain/usage/report-limiter.js';
import { MemoryStateStore } from '../../../server/state/memory-state.js';

/** Whose reports: a tenant's are limited, an operator's not. */
const MEMBER = { isOperator: false };
const OPERATOR = { isOperator: true };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A report that runs until `finish()`; `started` says whether it got its turn. */
function gatedReport() {
  let finish = () => {};
  const gate = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const report = { started: false, finish: () => finish() };
  const work = async () => {
    report.started = true;
    await gate;
    return 'rows';
  };
  return { report, work };
}

describe('ReportLimiter', () => {
  it("runs two of an organization's reports at a time, queues the next in order, refuses past the queue, and never holds up another organization", async () => {
    const limiter = new ReportLimiter(new MemoryStateStore(), { ...REPORT_LIMITS, concurrent: 2, maxWaiting: 2, msPerMinute: 60_000 });
    const reports = Array.from({ length: 4 }, () => gatedReport());
    const results = reports.map(({ work }) => limiter.run(MEMBER, ['org-a'], work));
    await sleep(5);
    expect(reports.map(({ report }) => report.started)).toEqual([true, true, false, false]);

    const refused = await limiter.run(MEMBER, ['org-a'], async () => 'rows').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(1);
    // Another organization, and an operator's report (no organizations), run at once.
    expect(await limiter.run(MEMBER, ['org-b'], async () => 'b')).toBe('b');
    expect(await limiter.run(OPERATOR, ['org-a'], async () => 'all')).toBe('all');

    reports[1]?.report.finish();
    await sleep(5);
    expect(reports.map(({ report }) => report.started)).toEqual([true, true, true, false]);
    for (const { report } of reports) report.finish();
    expect(await Promise.all(results)).toEqual(['rows', 'rows', 'rows', 'rows']);
  });

  it("a report over several organizations holds no turn while it waits: another organization's reports never hold up this one's", async () => {
    const limiter = new ReportLimiter(new MemoryStateStore(), { ...REPORT_LIMITS, concurrent: 2, maxWaiting: 16, msPerMinute: 60_000 });
    // Organization B's two turns are taken by long reports.
    const busyB = [gatedReport(), gatedReport()];
    const bResults = busyB.map(({ work }) => limiter.run(MEMBER, ['org-b'], work));
    // A member of A and B opens the dashboard: two reports over both wait for B.
    const both = [gatedReport(), gatedReport()];
    const bothResults = both.map(({ work }) => limiter.run(MEMBER, ['org-a', 'org-b'], work));
    await sleep(5);
    expect(both.map(({ report }) => report.started)).toEqual([false, false]);
    // A report over A alone runs at once: the waiting ones hold none of A's turns.
    expect(await limiter.run(MEMBER, ['org-a'], async () => 'a')).toBe('a');

    // B frees one turn: the first report over both takes it (and one of A's).
    busyB[0]?.report.finish();
    await sleep(5);
    expect(both.map(({ report }) => report.started)).toEqual([true, false]);
    for (const { report } of [...busyB, ...both]) report.finish();
    expect(await Promise.all([...bResults, ...bothResults])).toEqual(['rows', 'rows', 'rows', 'rows']);
  });

  it('a freed turn is never left unused while a report waits for it', async () => {
    const limiter = new ReportLimiter(new MemoryStateStore(), { ...REPORT_LIMITS, concurrent: 1, maxWaiting: 16, msPerMinute: 60_000 });
    const runningA = gatedReport();
    const runningB = gatedReport();
    const a = limiter.run(MEMBER, ['org-a'], runningA.work);
    const b = limiter.run(MEMBER, ['org-b'], runningB.work);
    // First in A's queue: a report over A and B; second: a report over A alone.
    const both = gatedReport();
    const aOnly = gatedReport();
    const bothResult = limiter.run(MEMBER, ['org-a', 'org-b'], both.work);
    await sleep(1);
    const aOnlyResult = limiter.run(MEMBER, ['org-a'], aOnly.work);
    await sleep(5);
    // A's turn comes free while B is still busy: the report over both goes on waiting (for B), the one over A alone runs.
    runningA.report.finish();
    await sleep(5);
    expect([both.report.started, aOnly.report.started]).toEqual([false, true]);
    for (const { report } of [runningB, both, aOnly]) report.finish();
    expect(await Promise.all([a, b, bothResult, aOnlyResult])).toEqual(['rows', 'rows', 'rows', 'rows']);
  });

  it('refuses a report that waited maxWaitMs for its turn, and takes it out of the queue', async () => {
    const limiter = new ReportLimiter(new MemoryStateStore(), { ...REPORT_LIMITS, concurrent: 1, maxWaiting: 1, maxWaitMs: 50 });
    const stalled = gatedReport();
    const running = limiter.run(MEMBER, ['org-a'], stalled.work);
    const waited = await limiter.run(MEMBER, ['org-a'], async () => 'late').catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(RateLimitedError);
    expect((waited as RateLimitedError).message).toMatch(/waited too long/);
    // Its place in the queue is free again: the next one may wait (and gets the turn when it comes free).
    const next = limiter.run(MEMBER, ['org-a'], async () => 'next');
    stalled.report.finish();
    expect(await Promise.all([running, next])).toEqual(['rows', 'next']);
  });

  it('gives the turn back when a report fails', async () => {
    const limiter = new ReportLimiter(new MemoryStateStore(), { ...REPORT_LIMITS, concurrent: 1, maxWaiting: 0, msPerMinute: 60_000 });
    await expect(
      limiter.run(MEMBER, ['org-a'], async () => {
        throw new Error('database gone');
      }),
    ).rejects.toThrow('database gone');
    expect(await limiter.run(MEMBER, ['org-a'], async () => 'again')).toBe('again');
  });

  it("refuses an organization's reports once they used msPerMinute of time, for every organization the report covers", async () => {
    const limiter = new ReportLimiter(new MemoryStateStore(), { ...REPORT_LIMITS, concurrent: 2, maxWaiting: 16, msPerMinute: 50 });
    await limiter.run(MEMBER, ['org-a', 'org-b'], () => sleep(60));
    for (const org of ['org-a', 'org-b']) {
      const refused = await limiter.run(MEMBER, [org], async () => 'rows').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(await limiter.run(MEMBER, ['org-c'], async () => 'c')).toBe('c');
    expect(await limiter.run(OPERATOR, ['org-a'], async () => 'operator')).toBe('operator');
  });
});
