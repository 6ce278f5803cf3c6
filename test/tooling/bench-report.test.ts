import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FixedRateResult, FlatOutResult } from '../../bench/load.js';
import { cleanupAll, freePort, ROOT, spawnChild, tempDir } from '../../bench/processes.js';
import { loopWindowP99 } from '../../bench/production.js';
import { failedRequestLines, markdownTable, type RunResult, runMetrics, tableRow } from '../../bench/report.js';

const fixed = (p50: number, p99: number, ttft = p50): FixedRateResult => ({
  sent: 1,
  ok: 1,
  errors: 0,
  unfinished: 0,
  errorSamples: [],
  achievedRate: 1000,
  total: { p50, p90: p50, p99, max: p99 },
  firstByte: { p50: ttft, p90: ttft, p99: ttft, max: ttft },
});
const flat = (rps: number) => ({ rps }) as FlatOutResult;
const run = (p50: number, p99: number, rps: number): RunResult => ({ fixed: fixed(p50, p99), stream: fixed(p50, p99), flat: flat(rps) });

describe('bench report', () => {
  afterAll(() => cleanupAll());

  it('subtracts the same run’s direct call and divides by the same run’s bare proxy, then takes the median over runs', () => {
    const results = new Map([
      ['direct', [run(0.3, 1, 20_000), run(0.9, 5, 20_000), run(0.4, 2, 20_000)]],
      ['bare', [run(0.5, 2, 4_000), run(1, 6, 2_000), run(0.6, 3, 4_000)]],
      ['kp', [run(0.7, 4, 3_000), run(1.5, 20, 1_800), run(0.8, 5, 2_000)]],
    ]);
    const m = runMetrics(results);
    // Per run: added p50 0.4, 0.6, 0.4 → median 0.4 (not 0.8 − 0.4 from the medians of each).
    expect(m.overP50('kp')).toBeCloseTo(0.4);
    expect(m.overP99('kp')).toBeCloseTo(3);
    expect(m.vsBare('kp')).toBeCloseTo(0.75);
    expect(m.addedTtft('kp')).toBeCloseTo(0.4);
    expect(m.loopDelayP99('kp')).toBeNaN();
  });

  it('names each run that failed requests, with what failed, and nothing for clean runs', () => {
    const failing: RunResult = {
      fixed: { ...fixed(1, 2), errors: 2, errorSamples: ['HTTP 503'] },
      stream: fixed(1, 2),
      flat: { rps: 1, non2xx: 3, errors: 1, timeouts: 0 } as FlatOutResult,
    };
    const clean = { ...run(1, 2, 100), flat: { rps: 100, non2xx: 0, errors: 0, timeouts: 0 } as FlatOutResult };
    const results = new Map([['kp', [clean, failing]]]);
    expect(failedRequestLines([{ id: 'kp', label: 'keyplane' }], (id) => results.get(id) ?? [])).toEqual([
      '  keyplane run 2: fixed 2 failed, stream 0 failed HTTP 503; flat-out non-2xx 3, errors 1, timeouts 0',
    ]);
  });

  it('lays one row out as text columns or as markdown, with no cell escaping needed for its numbers', () => {
    expect(tableRow(['latency p50', '0.34', '1.20'], 'text')).toBe(
      `${'latency p50'.padEnd(40)}${'0.34'.padStart(15)}${'1.20'.padStart(15)}`,
    );
    expect(markdownTable(['setup', 'added p50 ms'], [['keyplane', '0.41']])).toEqual([
      '| setup | added p50 ms |',
      '| --- | --- |',
      '| keyplane | 0.41 |',
    ]);
  });

  it('reads a server’s event-loop delay one window at a time from the preloaded probe', async () => {
    const out = join(tempDir('loop-probe-test'), 'loop.json');
    const port = await freePort(); // listening tells us the probe's signal handler is in place
    // A process that blocks its own loop for 60 ms every 100 ms from the second window on.
    const script = `let windows = 0; process.on('SIGUSR2', () => { windows++; });
      setInterval(() => { if (windows >= 2) { const end = Date.now() + 60; while (Date.now() < end); } }, 100);
      require('node:net').createServer().listen(${port}, '127.0.0.1');`;
    const child = await spawnChild({
      name: 'loop-probe-test',
      args: ['--import', join(ROOT, 'bench', 'loop-probe.mjs'), '-e', script],
      env: { LOOP_PROBE_OUT: out },
      port,
    });
    await loopWindowP99(child, out); // start-up is not counted
    await new Promise((resolve) => setTimeout(resolve, 300));
    const quiet = await loopWindowP99(child, out);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const busy = await loopWindowP99(child, out);
    await child.stop();
    expect(quiet).toBeLessThan(40);
    expect(busy).toBeGreaterThanOrEqual(55);
  });
});
