/**
 * `npm run bench -- --production`: keyplane set up like LiteLLM's published benchmark ("auth,
 * budgets, usage logging, Redis on") on PostgreSQL and on the embedded database, and the
 * markdown table for README. The load and the metrics are the standard bench's (run.ts, report.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { MACHINE_BUSY, MACHINE_IDLE, MACHINE_STOLEN } from './machine-cpu.js';
import type { Child } from './processes.js';
import { onCleanup, sleep } from './processes.js';
import { failedRequestLines, fmt, machine, markdownTable, median, type RunResult, runMetrics } from './report.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchRedis {
  url: string;
  /** A key prefix no other run or test uses; its keys are deleted when the bench ends. */
  prefix: (label: string) => string;
  /** How many keys a prefix holds now (proof the server really kept its state in Redis). */
  keys: (prefix: string) => Promise<number>;
}

export async function benchRedis(): Promise<BenchRedis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `--production needs Redis at ${REDIS_URL} (BENCH_REDIS_URL): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const run = `kpbench-${randomBytes(4).toString('hex')}`;
  const scan = async (prefix: string) => {
    const found: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) found.push(...(batch as string[]));
    return found;
  };
  onCleanup(async () => {
    const keys = await scan(`${run}-`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  return { url: REDIS_URL, prefix: (label) => `${run}-${label}:`, keys: async (prefix) => (await scan(prefix)).length };
}

/** The event-loop delay p99 (ms) of the window since the last call: the preloaded loop probe writes it on SIGUSR2. */
export async function loopWindowP99(child: Child, file: string): Promise<number> {
  rmSync(file, { force: true });
  child.proc.kill('SIGUSR2');
  for (let waited = 0; waited < 5_000 && !existsSync(file); waited += 20) await sleep(20);
  if (!existsSync(file)) return NaN;
  return (JSON.parse(readFileSync(file, 'utf8')) as { loopDelayMs: { p99: number } }).loopDelayMs.p99;
}

export interface ProductionSubject {
  id: string;
  label: string;
}

/** The report: what ran where, one markdown table of results, one of issue 15's targets. */
export function renderProduction(input: {
  subjects: ProductionSubject[];
  results: Map<string, RunResult[]>;
  memory: Map<string, { rssMb: number; peakMb: number }>;
  config: {
    rate: number;
    fixedMs: number;
    warmupMs: number;
    streamRate: number;
    streamMs: number;
    connections: number;
    flatSeconds: number;
  };
  loadAtStart: number[];
  minutes: number;
  notes: string[];
}): string {
  const m = runMetrics(input.results);
  const { config: c } = input;
  const runs = m.runs('direct').length;
  const added = (id: string, value: number) => (id === 'direct' ? '—' : fmt(value));
  const results = markdownTable(
    [
      'setup',
      'p50 ms',
      'p99 ms',
      'added p50 ms',
      'added p99 ms',
      'flat-out req/s',
      '% of bare proxy',
      'added TTFT p50 ms',
      'RSS after load MB',
      'event-loop delay p99 ms',
    ],
    input.subjects.map((s) => [
      s.label,
      fmt(m.p50(s.id)),
      fmt(m.p99(s.id)),
      added(s.id, m.overP50(s.id)),
      added(s.id, m.overP99(s.id)),
      fmt(m.rps(s.id), 0),
      s.id === 'direct' ? '—' : fmt(m.vsBare(s.id) * 100, 0, '%'),
      added(s.id, m.addedTtft(s.id)),
      fmt(input.memory.get(s.id)?.rssMb ?? NaN, 0),
      fmt(m.loopDelayP99(s.id)),
    ]),
  );
  // The floor's column shows which targets no implementation with keyplane's guarantees meets here.
  const keyplanes = input.subjects.filter((s) => s.id.startsWith('kp') || s.id === 'floor');
  const embedded = (id: string) => id.startsWith('kp-lite');
  const targets: [string, (id: string) => number, (v: number, id: string) => boolean, (v: number) => string][] = [
    ['added p50 ≤ 0.5 ms at 1,000 req/s', m.overP50, (v) => v <= 0.5, (v) => `${fmt(v)} ms`],
    ['added p99 ≤ 3 ms (PostgreSQL), ≤ 5 ms (embedded)', m.overP99, (v, id) => v <= (embedded(id) ? 5 : 3), (v) => `${fmt(v)} ms`],
    [
      'RSS after load ≤ 200 MB (PostgreSQL), ≤ 350 MB (embedded)',
      (id) => input.memory.get(id)?.rssMb ?? NaN,
      (v, id) => v <= (embedded(id) ? 350 : 200),
      (v) => `${fmt(v, 0)} MB`,
    ],
    ['flat-out ≥ 70 % of the bare proxy', m.vsBare, (v) => v >= 0.7, (v) => fmt(v * 100, 0, '%')],
    ['added TTFT p50 ≤ 0.5 ms', m.addedTtft, (v) => v <= 0.5, (v) => `${fmt(v)} ms`],
  ];
  const verdicts = markdownTable(
    ['target (issue 15)', ...keyplanes.map((s) => s.label)],
    targets.map(([name, value, ok, show]) => [
      name,
      ...keyplanes.map((s) => {
        const v = value(s.id);
        return `${Number.isFinite(v) ? (ok(v, s.id) ? '✓' : '✗') : '?'} ${show(v)}`;
      }),
    ]),
  );
  const cpu = machineCpuTable(input.subjects, m.runs);
  const failed = input.subjects.map((s) => `${s.label} ${m.errors(s.id)}`).join(', ');
  const late = input.subjects.flatMap((s) =>
    m.runs(s.id).flatMap((r) => (r.fixed.achievedRate < c.rate * 0.95 ? [`${s.label} ${r.fixed.achievedRate.toFixed(0)}/s`] : [])),
  );
  return [
    '',
    `keyplane bench --production — ${new Date().toISOString().slice(0, 10)}, ${runs} run(s), medians, ${input.minutes.toFixed(1)} min`,
    `machine: ${machine()}; load average at start ${input.loadAtStart.map((l) => l.toFixed(2)).join(' ')} (now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
    `load: fixed ${c.rate} req/s for ${c.fixedMs / 1000} s (+${c.warmupMs / 1000} s warm-up, open loop, one keep-alive pool); ` +
      `flat out with ${c.connections} connections for ${c.flatSeconds} s; streaming at ${c.streamRate} req/s for ${c.streamMs / 1000} s; ` +
      'body ≈140 B in, 392 B out; upstream: the local simulator, zero latency',
    'method: added = keyplane minus the same run calling the simulator directly; % of bare proxy = flat-out req/s over an undici pass-through in the same run',
    ...input.notes,
    `failed requests: ${failed}`,
    ...failedRequestLines(input.subjects, m.runs),
    ...(late.length ? [`the client fell behind the schedule in: ${late.join(', ')}`] : []),
    '',
    ...results,
    '',
    ...verdicts,
    '',
    ...cpu,
    '',
  ].join('\n');
}

/** Roles in the order the CPU table shows them (machine-cpu.ts names them). */
const CPU_ROLES: [role: string, column: string][] = [
  ['server', 'server'],
  ['PostgreSQL', 'PostgreSQL'],
  ['Redis', 'Redis'],
  ['simulator', 'simulator'],
  ['load generator', 'load generator'],
  ['everything else', 'everything else'],
  [MACHINE_BUSY, 'machine busy'],
  [MACHINE_IDLE, 'machine idle'],
  [MACHINE_STOLEN, 'stolen by the host'],
];

/**
 * Where the machine's CPU went per request in each phase: at the fixed rate, how busy each
 * process was (a server busy a larger share of the time queues more: the tail); flat out, what
 * bounds throughput — on two shared cores a subject's throughput follows the whole machine's CPU
 * per request, the database's work for its records included, not its own process's alone.
 */
function machineCpuTable(subjects: ProductionSubject[], runs: (id: string) => RunResult[]): string[] {
  const value = (phase: 'fixed' | 'flat', id: string, role: string) =>
    median(runs(id).map((r) => r.machine?.[phase].find((row) => row.role === role)?.us ?? NaN));
  const table = (phase: 'fixed' | 'flat') =>
    markdownTable(
      ['setup', ...CPU_ROLES.map(([, column]) => column)],
      subjects.map((s) => [s.label, ...CPU_ROLES.map(([role]) => fmt(value(phase, s.id, role), 0))]),
    );
  if (!subjects.some((s) => Number.isFinite(value('flat', s.id, MACHINE_BUSY)))) return [];
  return [
    'µs of CPU per request, every process of the machine by role (medians; for "direct", the server is the simulator):',
    '',
    'at the fixed rate (warm-up included):',
    '',
    ...table('fixed'),
    '',
    'flat out:',
    '',
    ...table('flat'),
  ];
}
