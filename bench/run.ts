/**
 * `npm run bench` — keyplane against the platform's limit (a bare proxy) and a peer (Portkey's
 * gateway), all in their own processes, all in front of the same fast upstream simulator.
 *
 *   npx tsx bench/run.ts [--quick] [--runs N] [--rows N] [--profile] [--no-postgres] [--no-portkey]
 *
 * Prints one table (medians over runs, ratios beside absolute numbers), the usage-write and
 * usage-query results, and the targets with ✓/✗. Everything on 127.0.0.1; children, temp dirs
 * and the scratch PostgreSQL database are removed at the end, also on failure or Ctrl-C.
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { type FixedRateResult, type FlatOutResult, fixedRate, flatOut, type Target } from './load.js';
import { createScratchDatabase } from './postgres.js';
import { type Child, cleanupAll, installSignalHandlers, runNode, sleep, tempDir } from './processes.js';
import { formatProfile, summarizeProfile } from './profile-summary.js';
import {
  buildKeyplane,
  type KeyplaneEnv,
  keyplaneEnv,
  PLATFORM_KEY,
  setupTenants,
  smokeTest,
  startBareProxy,
  startKeyplane,
  startPortkey,
  startSimulator,
  type Tenants,
} from './servers.js';
import { timeUsageQueries, type UsageQueryResult } from './usage-query.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : undefined;
};
const QUICK = flag('quick');
const CONFIG = {
  runs: option('runs') ?? (QUICK ? 1 : 3),
  rate: 1_000,
  streamRate: 500,
  warmupMs: QUICK ? 500 : 1_000,
  fixedMs: QUICK ? 2_000 : 3_000,
  streamMs: QUICK ? 1_500 : 2_000,
  flatSeconds: QUICK ? 2 : 3,
  connections: 50,
  usageFlatSeconds: QUICK ? 3 : 5,
  writerSettlements: QUICK ? 10_000 : 20_000,
  seedRows: option('rows') ?? (QUICK ? 200_000 : 1_000_000),
  queryRuns: QUICK ? 3 : 5,
};
const PROFILE = flag('profile');

interface Subject {
  id: string;
  label: string;
  target: Target;
  child: Child;
  keyplane?: Keyplane;
}
interface Keyplane {
  mode: 'PGlite' | 'PostgreSQL';
  env: KeyplaneEnv;
  tenants: Tenants;
  child: Child;
  url: string;
  profileDir?: string;
}
interface RunResult {
  fixed: FixedRateResult;
  stream: FixedRateResult;
  flat: FlatOutResult;
}

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function bringUpKeyplane(mode: Keyplane['mode'], openaiBase: string, databaseUrl?: string): Promise<Keyplane> {
  const env = keyplaneEnv(`kp-${mode}`, openaiBase, databaseUrl);
  // First start: migrations (and initdb for PGlite) + the tenants through GraphQL. Then restart,
  // so what we measure is a server reopening an existing database (PGlite's initdb alone costs
  // ~500 MB more RSS, once, on a new data dir).
  let { child, url } = await startKeyplane(env);
  const tenants = await setupTenants(url, env.adminToken);
  await child.stop();
  const profileDir = PROFILE ? tempDir(`prof-${mode}`) : undefined;
  ({ child, url } = await startKeyplane(env, profileDir ? { cpuProfDir: profileDir } : {}));
  await smokeTest(url, tenants.creditsKey);
  await smokeTest(url, tenants.byokKey);
  return { mode, env, tenants, child, url, ...(profileDir ? { profileDir } : {}) };
}

async function main(): Promise<void> {
  installSignalHandlers();
  const startedAt = Date.now();
  log(`config: ${JSON.stringify(CONFIG)}${PROFILE ? ' +profile' : ''}`);
  log('compiling keyplane (tsc -p tsconfig.build.json → dist/.bench)…');
  const build = await buildKeyplane();
  log(`compiled in ${(build.ms / 1000).toFixed(1)} s${build.warnings ? ` (with type errors; JavaScript emitted anyway):\n${build.warnings}` : ''}`);

  const sim = await startSimulator();
  const [bare, portkey] = await Promise.all([startBareProxy(sim.openaiBase), flag('no-portkey') ? Promise.resolve(null) : startPortkey()]);
  let pgNote = '';
  let pgUrl: string | undefined;
  if (!flag('no-postgres')) {
    const scratch = await createScratchDatabase();
    if ('unavailable' in scratch) pgNote = scratch.unavailable;
    else pgUrl = scratch.url;
  } else pgNote = 'skipped (--no-postgres)';
  log('starting keyplane (PGlite' + (pgUrl ? ', PostgreSQL' : '') + ')…');
  const kpLite = await bringUpKeyplane('PGlite', sim.openaiBase);
  const kpPg = pgUrl ? await bringUpKeyplane('PostgreSQL', sim.openaiBase, pgUrl) : null;

  const json = (origin: string, path: string, headers: Record<string, string>): Target => ({ origin, path, headers });
  const subjects: Subject[] = [
    { id: 'direct', label: 'direct', target: json(sim.url, '/openai/v1/chat/completions', { authorization: `Bearer ${PLATFORM_KEY}` }), child: sim.child },
    { id: 'bare', label: 'bare proxy', target: json(bare.url, '/v1/chat/completions', { authorization: `Bearer ${PLATFORM_KEY}` }), child: bare.child },
    { id: 'kp-lite', label: 'kp PGlite', target: json(kpLite.url, '/v1/chat/completions', { authorization: `Bearer ${kpLite.tenants.creditsKey}` }), child: kpLite.child, keyplane: kpLite },
    { id: 'kp-byok', label: 'kp PGlite BYOK', target: json(kpLite.url, '/v1/chat/completions', { authorization: `Bearer ${kpLite.tenants.byokKey}` }), child: kpLite.child, keyplane: kpLite },
    ...(kpPg ? [{ id: 'kp-pg', label: 'kp Postgres', target: json(kpPg.url, '/v1/chat/completions', { authorization: `Bearer ${kpPg.tenants.creditsKey}` }), child: kpPg.child, keyplane: kpPg }] : []),
    ...(portkey
      ? [{
          id: 'portkey',
          label: 'Portkey',
          target: json(portkey.url, '/v1/chat/completions', {
            authorization: `Bearer ${PLATFORM_KEY}`,
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': sim.openaiBase,
          }),
          child: portkey.child,
        }]
      : []),
  ];

  log('warming up every target…');
  for (const subject of flag('skip-load') ? [] : subjects) {
    const warm = await fixedRate(subject.target, { rate: 300, durationMs: 1_000, warmupMs: 0, stream: false });
    if (warm.ok === 0) throw new Error(`${subject.label}: no successful request during warm-up (${warm.errorSamples.join('; ')})`);
  }

  const results = new Map<string, RunResult[]>(subjects.map((s) => [s.id, []]));
  const profileWindows = new Map<string, [number, number][]>();
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  for (let run = 0; run < (flag('skip-load') ? 0 : CONFIG.runs); run++) {
    // Rotate the order each run so no subject always follows the same neighbour.
    const order = subjects.map((_, i) => subjects[(i + run) % subjects.length]!);
    for (const subject of order) {
      log(`run ${run + 1}/${CONFIG.runs}: ${subject.label}`);
      const windowStart = nowUs();
      const fixed = await fixedRate(subject.target, { rate: CONFIG.rate, durationMs: CONFIG.fixedMs, warmupMs: CONFIG.warmupMs, stream: false });
      const stream = await fixedRate(subject.target, { rate: CONFIG.streamRate, durationMs: CONFIG.streamMs, warmupMs: CONFIG.warmupMs / 2, stream: true });
      const flat = await flatOut(subject.target, { connections: CONFIG.connections, seconds: CONFIG.flatSeconds });
      if (subject.keyplane) profileWindows.set(subject.keyplane.mode, [...(profileWindows.get(subject.keyplane.mode) ?? []), [windowStart, nowUs()]]);
      results.get(subject.id)!.push({ fixed, stream, flat });
      await sleep(300);
    }
  }
  const memory = new Map(subjects.map((s) => [s.id, s.child.memory()]));

  // Usage writes, end to end: the server flat out on a key of its own, a clean shutdown, then count.
  const usage: { mode: string; served: FlatOutResult; rows: number | null; byStatus: unknown; stopMs: number; exitCode: number | null; writer: WriterResult | null; seed: SeedResult | null; queries: UsageQueryResult[]; error?: string }[] = [];
  const profiles: { mode: string; text: string }[] = [];
  for (const kp of [kpLite, kpPg].filter((k): k is Keyplane => k !== null)) {
    log(`${kp.mode}: usage-write check (${CONFIG.usageFlatSeconds} s flat out, then SIGTERM)…`);
    const served = await flatOut({ origin: kp.url, path: '/v1/chat/completions', headers: { authorization: `Bearer ${kp.tenants.writerKey}` } }, {
      connections: CONFIG.connections,
      seconds: CONFIG.usageFlatSeconds,
    });
    const stopped = await kp.child.stop(60_000);
    if (kp.profileDir) {
      const file = readdirSync(kp.profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) profiles.push({ mode: kp.mode, text: formatProfile(summarizeProfile(join(kp.profileDir, file), { top: 30, windowsUs: profileWindows.get(kp.mode) ?? [] })) });
    }
    const entry: (typeof usage)[number] = { mode: kp.mode, served, rows: null, byStatus: null, stopMs: stopped.ms, exitCode: stopped.code, writer: null, seed: null, queries: [] };
    usage.push(entry);
    try {
      log(`${kp.mode}: counting rows, driving the SettlementWriter (${CONFIG.writerSettlements}), seeding ${CONFIG.seedRows} usage records…`);
      const output = await runNode(
        `db-tasks (${kp.mode})`,
        ['--import', 'tsx', 'bench/db-tasks.ts', JSON.stringify({
          organizationId: kp.tenants.organizationId,
          projectId: kp.tenants.projectId,
          countKeyId: kp.tenants.writerKeyId,
          gatewayKeyIds: [kp.tenants.writerKeyId],
          writerSettlements: CONFIG.writerSettlements,
          seedRows: CONFIG.seedRows,
        })],
        { DATABASE_URL: kp.env.databaseUrl ?? '', KEYPLANE_DATA_DIR: kp.env.dataDir },
        600_000,
      );
      const parsed = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
        keyRows?: number;
        keyRowsByStatus?: unknown;
        writer?: WriterResult;
        seed?: SeedResult;
        countError?: string;
        writerError?: string;
        seedError?: string;
      };
      entry.rows = parsed.keyRows ?? null;
      entry.byStatus = parsed.keyRowsByStatus ?? null;
      entry.writer = parsed.writer ?? null;
      entry.seed = parsed.seed ?? null;
      const errors = [parsed.countError, parsed.writerError, parsed.seedError].filter(Boolean);
      if (errors.length) entry.error = errors.join(' || ');
      if (!parsed.seed) continue;
      log(`${kp.mode}: usage query over ${parsed.seed.totalRows} records…`);
      const restarted = await startKeyplane(kp.env);
      entry.queries = await timeUsageQueries(restarted.url, kp.env.adminToken, CONFIG.queryRuns);
      await restarted.child.stop();
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      log(`${kp.mode}: ${entry.error}`);
    }
  }

  const report = render({ subjects, results, memory, usage, profiles, pgNote, minutes: (Date.now() - startedAt) / 60_000 });
  process.stdout.write(report);
}

interface WriterResult {
  settlements: number;
  seconds: number;
  rowsPerSecond: number;
  rows: number;
  ledgerRows: number;
  lost: number;
  unwritten: number;
}
interface SeedResult {
  rows: number;
  insertMs: number;
  analyzeMs: number;
  totalRows: number;
}

function render(input: {
  subjects: Subject[];
  results: Map<string, RunResult[]>;
  memory: Map<string, { rssMb: number; peakMb: number }>;
  usage: { mode: string; served: FlatOutResult; rows: number | null; byStatus: unknown; stopMs: number; exitCode: number | null; writer: WriterResult | null; seed: SeedResult | null; queries: UsageQueryResult[]; error?: string }[];
  profiles: { mode: string; text: string }[];
  pgNote: string;
  minutes: number;
}): string {
  const { subjects, results } = input;
  const runs = (id: string) => results.get(id) ?? [];
  const has = (id: string) => runs(id).length > 0;
  const perRun = (id: string, pick: (r: RunResult, i: number) => number) => median(runs(id).map(pick));
  const direct = runs('direct');
  const bare = runs('bare');
  const portkey = runs('portkey');
  const metric = {
    p50: (id: string) => perRun(id, (r) => r.fixed.total.p50),
    p99: (id: string) => perRun(id, (r) => r.fixed.total.p99),
    overP50: (id: string) => perRun(id, (r, i) => r.fixed.total.p50 - (direct[i]?.fixed.total.p50 ?? NaN)),
    overP99: (id: string) => perRun(id, (r, i) => r.fixed.total.p99 - (direct[i]?.fixed.total.p99 ?? NaN)),
    rps: (id: string) => perRun(id, (r) => r.flat.rps),
    vsBare: (id: string) => perRun(id, (r, i) => r.flat.rps / (bare[i]?.flat.rps ?? NaN)),
    vsPortkey: (id: string) => perRun(id, (r, i) => r.flat.rps / (portkey[i]?.flat.rps ?? NaN)),
    ttft: (id: string) => perRun(id, (r) => r.stream.firstByte.p50),
    addedTtft: (id: string) => perRun(id, (r, i) => r.stream.firstByte.p50 - (direct[i]?.stream.firstByte.p50 ?? NaN)),
    errors: (id: string) => runs(id).reduce((n, r) => n + r.fixed.errors + r.stream.errors + r.flat.non2xx + r.flat.errors, 0),
  };
  const fmt = (value: number, digits = 2, suffix = '') => (Number.isFinite(value) ? `${value.toFixed(digits)}${suffix}` : '—');
  const cols = subjects.filter((s, i, all) => all.findIndex((o) => o.id === s.id) === i);
  const width = 15;
  const row = (name: string, cell: (s: Subject) => string) => `${name.padEnd(40)}${cols.map((s) => cell(s).padStart(width)).join('')}`;
  const lines: string[] = [];
  lines.push('');
  lines.push(`keyplane bench — ${input.results.get('direct')?.length ?? 0} run(s), medians; node ${process.version}, ${cpus().length} cores, load avg ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${input.minutes.toFixed(1)} min`);
  lines.push(`upstream: simulator --fast (answers at once); each server in its own process; non-streaming body ${'≈'}140 B in, 392 B out`);
  lines.push('');
  lines.push(row('', (s) => s.label));
  lines.push(`-- fixed ${CONFIG.rate} req/s, ${CONFIG.fixedMs / 1000} s (+${CONFIG.warmupMs / 1000} s warm-up), ms`);
  lines.push(row('latency p50', (s) => fmt(metric.p50(s.id))));
  lines.push(row('latency p99', (s) => fmt(metric.p99(s.id))));
  lines.push(row('overhead over direct p50', (s) => (s.id === 'direct' ? '' : fmt(metric.overP50(s.id)))));
  lines.push(row('overhead over direct p99', (s) => (s.id === 'direct' ? '' : fmt(metric.overP99(s.id)))));
  lines.push(`-- flat out, ${CONFIG.connections} connections (autocannon, in the bench process), ${CONFIG.flatSeconds} s`);
  lines.push(row('throughput req/s', (s) => fmt(metric.rps(s.id), 0)));
  lines.push(row('  × bare proxy', (s) => (s.id === 'bare' || s.id === 'direct' ? '' : fmt(metric.vsBare(s.id), 2, '×'))));
  if (has('portkey')) lines.push(row('  × Portkey', (s) => (s.id.startsWith('kp') || s.id === 'bare' ? fmt(metric.vsPortkey(s.id), 2, '×') : '')));
  lines.push(`-- streaming, fixed ${CONFIG.streamRate} req/s, ms (first body byte)`);
  lines.push(row('time to first token p50', (s) => fmt(metric.ttft(s.id))));
  lines.push(row('added TTFT p50 over direct', (s) => (s.id === 'direct' ? '' : fmt(metric.addedTtft(s.id)))));
  lines.push('-- memory after load (VmRSS / peak VmHWM), MB');
  lines.push(row('RSS', (s) => fmt(input.memory.get(s.id)?.rssMb ?? NaN, 0)));
  lines.push(row('RSS peak', (s) => fmt(input.memory.get(s.id)?.peakMb ?? NaN, 0)));
  lines.push(row('failed requests (all phases)', (s) => String(metric.errors(s.id))));
  lines.push(row('abandoned: no answer 10 s after schedule', (s) => String(runs(s.id).reduce((n, r) => n + r.fixed.unfinished + r.stream.unfinished, 0))));
  lines.push('(kp PGlite and kp PGlite BYOK are one process: CREDITS key vs API_KEYS key with a stored OpenAI key.)');

  const failures = cols.flatMap((s) =>
    runs(s.id).flatMap((r, i) => {
      const samples = [...r.fixed.errorSamples, ...r.stream.errorSamples];
      const flatBad = r.flat.non2xx + r.flat.errors + r.flat.timeouts;
      return samples.length || flatBad ? [`  ${s.label} run ${i + 1}: fixed ${r.fixed.errors} failed, stream ${r.stream.errors} failed ${samples.join('; ')}; flat-out non-2xx ${r.flat.non2xx}, errors ${r.flat.errors}, timeouts ${r.flat.timeouts}`] : [];
    }),
  );
  if (failures.length) lines.push('', 'FAILED REQUESTS:', ...failures);
  const lateRuns = cols.flatMap((s) => runs(s.id).filter((r) => r.fixed.achievedRate < CONFIG.rate * 0.95).map((r) => `${s.label} ${r.fixed.achievedRate.toFixed(0)}/s`));
  if (lateRuns.length) lines.push(`note: the client fell behind the schedule in: ${lateRuns.join(', ')}`);

  lines.push('', '-- usage records');
  for (const u of input.usage) {
    const lost = u.rows === null ? null : Math.max(0, u.served.completed - u.rows);
    lines.push(
      `${u.mode}: server flat out ${CONFIG.usageFlatSeconds} s: ${u.served.completed} responses (${u.served.ok} ok, ${fmt(u.served.rps, 0)} req/s), ${u.served.sent} sent; ` +
        `clean shutdown took ${(u.stopMs / 1000).toFixed(1)} s (exit ${u.exitCode}); usage rows for that key: ${u.rows ?? '?'} ${JSON.stringify(u.byStatus ?? {})} → lost ${lost ?? '?'}`,
    );
    if (u.writer) {
      lines.push(
        `${u.mode}: SettlementWriter driven directly: ${u.writer.settlements} settlements (CREDITS: usage row + ledger debit each) in ${u.writer.seconds.toFixed(2)} s → ` +
          `${fmt(u.writer.rowsPerSecond, 0)} records/s, ${u.writer.rows} rows, ${u.writer.ledgerRows} ledger rows, lost ${u.writer.lost}`,
      );
    }
    if (u.seed) lines.push(`${u.mode}: seeded ${u.seed.rows} records with one INSERT … generate_series in ${(u.seed.insertMs / 1000).toFixed(1)} s (+ ANALYZE ${(u.seed.analyzeMs / 1000).toFixed(1)} s); table holds ${u.seed.totalRows}`);
    for (const q of u.queries) lines.push(`${u.mode}: usage query by ${q.name}: median ${fmt(q.medianMs, 0)} ms (min ${fmt(q.minMs, 0)}) over ${CONFIG.queryRuns} runs, ${q.groups} groups, ${q.requests} records`);
    if (u.error) lines.push(`${u.mode}: ERROR ${u.error.split('\n').slice(0, 6).join(' | ')}`);
  }
  if (input.pgNote) lines.push(`PostgreSQL: ${input.pgNote}`);

  // Targets.
  lines.push('', '-- targets');
  const check = (ok: boolean | null) => (ok === null ? '?' : ok ? '✓' : '✗');
  const kpIds = cols.filter((s) => s.id.startsWith('kp')).map((s) => s.id);
  const label = (id: string) => cols.find((s) => s.id === id)?.label ?? id;
  const each = (name: string, value: (id: string) => number, limit: (v: number) => boolean, show: (v: number) => string) => {
    for (const id of kpIds) {
      const v = value(id);
      lines.push(`${check(Number.isFinite(v) ? limit(v) : null)} ${name.padEnd(46)} ${label(id).padEnd(16)} ${show(v)}`);
    }
  };
  each('overhead p50 ≤ 0.5 ms at 1,000 req/s', metric.overP50, (v) => v <= 0.5, (v) => `${fmt(v)} ms`);
  each('overhead p99 ≤ 3 ms at 1,000 req/s', metric.overP99, (v) => v <= 3, (v) => `${fmt(v)} ms`);
  if (has('portkey')) each('flat-out throughput ≥ 4× Portkey', metric.vsPortkey, (v) => v >= 4, (v) => fmt(v, 2, '×'));
  each('flat-out throughput ≥ 80% of the bare proxy', metric.vsBare, (v) => v >= 0.8, (v) => `${fmt(v * 100, 0)}%`);
  each('added TTFT p50 ≤ 1 ms', metric.addedTtft, (v) => v <= 1, (v) => `${fmt(v)} ms`);
  for (const id of kpIds.filter((id) => id !== 'kp-byok')) {
    const rss = input.memory.get(id)?.rssMb ?? NaN;
    const note = id === 'kp-lite' ? ' (PGlite costs ~300 MB by itself; the target is for PostgreSQL mode)' : '';
    lines.push(`${check(Number.isFinite(rss) ? rss <= 120 : null)} ${'RSS after load ≤ 120 MB'.padEnd(46)} ${label(id).padEnd(16)} ${fmt(rss, 0)} MB${note}`);
  }
  for (const u of input.usage) {
    if (u.writer) {
      lines.push(`${check(u.writer.rowsPerSecond >= 5_000 && u.writer.lost === 0)} ${'≥ 5,000 usage records/s, none lost (writer)'.padEnd(46)} ${u.mode.padEnd(16)} ${fmt(u.writer.rowsPerSecond, 0)}/s, lost ${u.writer.lost}`);
    }
    if (u.rows !== null) {
      const lost = Math.max(0, u.served.completed - u.rows);
      lines.push(`${check(lost === 0)} ${'no usage record lost (server, clean shutdown)'.padEnd(46)} ${u.mode.padEnd(16)} ${u.served.completed} served, ${u.rows} rows`);
    }
    for (const q of u.queries) {
      lines.push(`${check(q.medianMs <= 300)} ${`usage query (${q.name}) ≤ 300 ms, ${(u.seed?.totalRows ?? 0).toLocaleString('en')} rows`.padEnd(46)} ${u.mode.padEnd(16)} ${fmt(q.medianMs, 0)} ms`);
    }
  }
  for (const p of input.profiles) lines.push('', `-- keyplane (${p.mode}) under load, ${p.text}`);
  lines.push('');
  return lines.join('\n');
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    process.exit(process.exitCode ?? 0);
  });
