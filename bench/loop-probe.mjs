/**
 * Preloaded into a server under test (`node --import ./bench/loop-probe.mjs …`): an event-loop
 * delay histogram and every GC pause. On SIGUSR2 it writes the window since the last reset to
 * LOOP_PROBE_OUT and starts a new one (so setup and warm-up are not counted, and a bench can
 * read one phase at a time); it writes the last window again when the process exits, with its
 * memory by kind.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const out = process.env.LOOP_PROBE_OUT;
const delay = monitorEventLoopDelay({ resolution: 2 });
delay.enable();
let gcPauses = [];
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ ms: entry.duration, kind: entry.detail?.kind ?? 0 });
});
gc.observe({ entryTypes: ['gc'] });

function write() {
  if (!out) return;
  const ms = (ns) => ns / 1e6;
  const pauses = gcPauses.map((p) => p.ms).sort((a, b) => a - b);
  const report = {
    memoryMb: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)])),
    loopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
    gc: {
      count: pauses.length,
      totalMs: pauses.reduce((a, b) => a + b, 0),
      p99Ms: pauses[Math.floor(pauses.length * 0.99)] ?? 0,
      maxMs: pauses.at(-1) ?? 0,
      major: gcPauses.filter((p) => p.kind === 4).length,
    },
  };
  // Renamed into place, so a reader polling for the file never sees half of it.
  writeFileSync(`${out}.tmp`, JSON.stringify(report));
  renameSync(`${out}.tmp`, out);
}

process.on('SIGUSR2', () => {
  write();
  delay.reset();
  gcPauses = [];
});
process.on('exit', () => {
  // With --expose-gc, live memory rather than what the next collection would free.
  globalThis.gc?.();
  write();
});
