/** What `npm run bench` computes from its runs and how it lays out tables (text or markdown), in one place for every profile. */
import { cpus, totalmem } from 'node:os';
import type { FixedRateResult, FlatOutResult } from './load.js';

export interface RunResult {
  fixed: FixedRateResult;
  stream: FixedRateResult;
  flat: FlatOutResult;
  /** The server's main-thread event-loop delay p99 during the fixed-rate phase, ms (when its loop probe is preloaded). */
  loopDelayP99Ms?: number;
  /** µs of CPU per request in the fixed-rate and flat-out phases, every process of the machine by role (machine-cpu.ts). */
  machine?: Record<'fixed' | 'flat', { role: string; us: number }[]>;
}

export const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const fmt = (value: number, digits = 2, suffix = '') => (Number.isFinite(value) ? `${value.toFixed(digits)}${suffix}` : '—');

/**
 * Per-subject medians over runs. "Added" numbers subtract the same run's direct call (subject id
 * `direct`) and ratios divide by the same run's bare proxy (`bare`) or Portkey (`portkey`).
 */
export function runMetrics(results: Map<string, RunResult[]>) {
  const runs = (id: string) => results.get(id) ?? [];
  const perRun = (id: string, pick: (r: RunResult, i: number) => number) => median(runs(id).map(pick));
  const direct = runs('direct');
  const bare = runs('bare');
  const portkey = runs('portkey');
  return {
    runs,
    p50: (id: string) => perRun(id, (r) => r.fixed.total.p50),
    p99: (id: string) => perRun(id, (r) => r.fixed.total.p99),
    overP50: (id: string) => perRun(id, (r, i) => r.fixed.total.p50 - (direct[i]?.fixed.total.p50 ?? NaN)),
    overP99: (id: string) => perRun(id, (r, i) => r.fixed.total.p99 - (direct[i]?.fixed.total.p99 ?? NaN)),
    rps: (id: string) => perRun(id, (r) => r.flat.rps),
    vsBare: (id: string) => perRun(id, (r, i) => r.flat.rps / (bare[i]?.flat.rps ?? NaN)),
    vsPortkey: (id: string) => perRun(id, (r, i) => r.flat.rps / (portkey[i]?.flat.rps ?? NaN)),
    ttft: (id: string) => perRun(id, (r) => r.stream.firstByte.p50),
    addedTtft: (id: string) => perRun(id, (r, i) => r.stream.firstByte.p50 - (direct[i]?.stream.firstByte.p50 ?? NaN)),
    loopDelayP99: (id: string) => perRun(id, (r) => r.loopDelayP99Ms ?? NaN),
    errors: (id: string) => runs(id).reduce((n, r) => n + r.fixed.errors + r.stream.errors + r.flat.non2xx + r.flat.errors, 0),
  };
}

/** One table row: fixed-width columns for the terminal, or a markdown row ready to paste. */
/**
 * One line per run that had failures, with what they were (the first HTTP statuses or errors of
 * the fixed-rate and streaming phases, and autocannon's counts of the flat-out phase).
 */
export function failedRequestLines(subjects: readonly { id: string; label: string }[], runs: (id: string) => RunResult[]): string[] {
  return subjects.flatMap((s) =>
    runs(s.id).flatMap((r, i) => {
      const samples = [...r.fixed.errorSamples, ...r.stream.errorSamples];
      const flatBad = r.flat.non2xx + r.flat.errors + r.flat.timeouts;
      return samples.length || flatBad
        ? [
            `  ${s.label} run ${i + 1}: fixed ${r.fixed.errors} failed, stream ${r.stream.errors} failed ${samples.join('; ')}; flat-out non-2xx ${r.flat.non2xx}, errors ${r.flat.errors}, timeouts ${r.flat.timeouts}`,
          ]
        : [];
    }),
  );
}

export function tableRow(cells: string[], style: 'text' | 'markdown'): string {
  if (style === 'markdown') return `| ${cells.join(' | ')} |`;
  const [name = '', ...rest] = cells;
  return `${name.padEnd(40)}${rest.map((cell) => cell.padStart(15)).join('')}`;
}

export function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    tableRow(header, 'markdown'),
    tableRow(
      header.map(() => '---'),
      'markdown',
    ),
    ...rows.map((r) => tableRow(r, 'markdown')),
  ];
}

/** The machine as the run saw it: CPU model, cores, RAM, Node version. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}`;
}
