/**
 * `npm run bench` — keyplane against the platform's limit (a bare proxy) and a peer (Portkey's
 * gateway), all in their own processes, all in front of the same fast upstream simulator.
 *
 *   npx tsx bench/run.ts [--quick] [--runs N] [--rows N] [--profile] [--no-postgres] [--no-portkey]
 *   npx tsx bench/run.ts --production [--quick] [--runs N]   (LiteLLM-style setup; see production.ts)
 *
 * Prints one table (medians over runs, ratios beside absolute numbers), the usage-write and
 * usage-query results, and the targets with ✓/✗. Everything on 127.0.0.1; children, temp dirs
 * and the scratch PostgreSQL database are removed at the end, also on failure or Ctrl-C.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startConfigChurn } from './config-churn.js';
import { startKeyFlood } from './key-flood.js';
import { type FlatOutResult, fixedRate, flatOut, type Target } from './load.js';
import { machineCpuPerRequest, readMachineCpu } from './machine-cpu.js';
import { createScratchDatabase } from './postgres.js';
import { type Child, cleanupAll, installSignalHandlers, ROOT, runNode, tempDir, untilMachineQuiet } from './processes.js';
import { type BenchRedis, benchRedis, loopWindowP99, renderProduction } from './production.js';
import { formatProfile, mainThreadProfile, summarizeProfile } from './profile-summary.js';
import { failedRequestLines, fmt, type RunResult, runMetrics, tableRow } from './report.js';
import {
  buildKeyplane,
  type KeyplaneEnv,
  keyplaneEnv,
  PLATFORM_KEY,
  PRODUCTION_TAGS,
  setupManyTenants,
  setupProductionKey,
  setupTenants,
  smokeTest,
  startBareProxy,
  startFloorProxy,
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
  /** Steady rates (req/s) at which the write-ahead intent's added latency is measured, each for intentSteadySeconds. */
  intentSteadyRates: [500, 1_000],
  intentSteadySeconds: 10,
  queryRuns: QUICK ? 3 : 5,
  /** Production profile: organizations (credits, a CREDITS project, a key each) added to the first to share a row's load in turn. */
  moreTenants: 100,
  /** Production profile, the churn row: another organization changes its configuration (a new gateway key) this often. */
  churnMs: 250,
  /** Production profile, the flood row: requests a second with gateway keys that do not exist, beside the load (key-flood.ts). */
  floodRate: 500,
};
const PROFILE = flag('profile');
/** keyplane as operators run it (Redis, rpm limit, key and tag budgets, metrics token); no Portkey, no usage checks. */
const PRODUCTION = flag('production');
const METRICS_TOKEN = `bench-metrics-${process.pid}`;

interface Subject {
  id: string;
  label: string;
  target: Target;
  child: Child;
  keyplane?: Keyplane;
  /** Meanwhile one more organization creates a gateway key this often (config-churn.ts). */
  churnMs?: number;
  /** Meanwhile a client sends this many requests a second with keys that do not exist (key-flood.ts). */
  floodRate?: number;
}
interface Keyplane {
  mode: 'PGlite' | 'PostgreSQL';
  /** The mode, or the mode and what sets this server apart ("PostgreSQL-tenants"): names its data, Redis prefix and profile. */
  name: string;
  env: KeyplaneEnv;
  tenants: Tenants;
  child: Child;
  url: string;
  profileDir?: string;
  /** Production profile: the key with limits and budgets, the other tenants' keys, and where the loop probe writes. */
  production?: { key: string; otherKeys: string[]; loopOut: string; redisPrefix: string };
}

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function bringUpKeyplane(
  mode: Keyplane['mode'],
  openaiBase: string,
  databaseUrl?: string,
  redis?: BenchRedis,
  options: { name?: string; moreTenants?: number } = {},
): Promise<Keyplane> {
  const name = options.name ?? mode;
  const redisPrefix = redis?.prefix(name);
  const env = keyplaneEnv(
    `kp-${name}`,
    openaiBase,
    databaseUrl,
    redis && redisPrefix ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redisPrefix, METRICS_TOKEN: METRICS_TOKEN } : undefined,
  );
  // First start: migrations (and initdb for PGlite) + the tenants through GraphQL. Then restart,
  // so what we measure is a server reopening an existing database (PGlite's initdb alone costs
  // ~500 MB more RSS, once, on a new data dir).
  let { child, url } = await startKeyplane(env);
  const tenants = await setupTenants(url, env.adminToken);
  const productionKey = redisPrefix ? await setupProductionKey(url, env.adminToken, tenants) : undefined;
  const otherKeys = productionKey ? await setupManyTenants(url, env.adminToken, options.moreTenants ?? 0) : [];
  await child.stop();
  const profileDir = PROFILE ? tempDir(`prof-${name}`) : undefined;
  const production =
    productionKey && redisPrefix
      ? { key: productionKey, otherKeys, loopOut: join(tempDir(`loop-${name}`), 'loop.json'), redisPrefix }
      : undefined;
  ({ child, url } = await startKeyplane(env, {
    ...(profileDir ? { cpuProfDir: profileDir } : {}),
    ...(production
      ? { nodeArgs: ['--import', join(ROOT, 'bench', 'loop-probe.mjs')], extraEnv: { LOOP_PROBE_OUT: production.loopOut } }
      : {}),
  }));
  await smokeTest(url, production?.key ?? tenants.creditsKey);
  await smokeTest(url, tenants.byokKey);
  return { mode, name, env, tenants, child, url, ...(profileDir ? { profileDir } : {}), ...(production ? { production } : {}) };
}

async function main(): Promise<void> {
  installSignalHandlers();
  const startedAt = Date.now();
  const loadAtStart = loadavg();
  log(`config: ${JSON.stringify(CONFIG)}${PROFILE ? ' +profile' : ''}${PRODUCTION ? ' +production' : ''}`);
  const redis = PRODUCTION ? await benchRedis() : undefined;
  log('compiling keyplane (tsc -p tsconfig.build.json → dist/.bench)…');
  const build = await buildKeyplane();
  log(
    `compiled in ${(build.ms / 1000).toFixed(1)} s${build.warnings ? ` (with type errors; JavaScript emitted anyway):\n${build.warnings}` : ''}`,
  );

  const sim = await startSimulator();
  const [bare, portkey] = await Promise.all([
    startBareProxy(sim.openaiBase),
    flag('no-portkey') || PRODUCTION ? Promise.resolve(null) : startPortkey(),
  ]);
  let pgNote = '';
  let pgUrl: string | undefined;
  if (!flag('no-postgres')) {
    const scratch = await createScratchDatabase();
    if ('unavailable' in scratch) pgNote = scratch.unavailable;
    else pgUrl = scratch.url;
  } else pgNote = 'skipped (--no-postgres)';
  // The floor: what keyplane's guarantees cost at the least (bench/floor-proxy.ts), on its own tables in the scratch database.
  const floor = PRODUCTION && pgUrl ? await startFloorProxy(sim.openaiBase, pgUrl) : null;
  log(`starting keyplane (PGlite${pgUrl ? ', PostgreSQL' : ''})…`);
  const kpLite = await bringUpKeyplane('PGlite', sim.openaiBase, undefined, redis);
  const kpPg = pgUrl ? await bringUpKeyplane('PostgreSQL', sim.openaiBase, pgUrl, redis) : null;
  // Production: a server of each kind whose load is spread over many organizations' keys, each
  // on a database of its own, so the one-tenant rows' memory stays comparable between runs.
  const many = { moreTenants: CONFIG.moreTenants };
  const kpLiteTenants = PRODUCTION
    ? await bringUpKeyplane('PGlite', sim.openaiBase, undefined, redis, { ...many, name: 'PGlite-tenants' })
    : null;
  const tenantsScratch = PRODUCTION && pgUrl ? await createScratchDatabase() : null;
  const kpPgTenants =
    tenantsScratch && !('unavailable' in tenantsScratch)
      ? await bringUpKeyplane('PostgreSQL', sim.openaiBase, tenantsScratch.url, redis, { ...many, name: 'PostgreSQL-tenants' })
      : null;

  const json = (origin: string, path: string, headers: Record<string, string>): Target => ({ origin, path, headers });
  const productionSubject = (id: string, label: string, kp: Keyplane): Subject => ({
    id,
    label,
    target: json(kp.url, '/v1/chat/completions', { authorization: `Bearer ${kp.production?.key}`, 'x-keyplane-tags': PRODUCTION_TAGS }),
    child: kp.child,
    keyplane: kp,
  });
  // The same server, its load spread over many organizations' keys: what each active tenant costs.
  const manyTenantsSubject = (id: string, label: string, kp: Keyplane): Subject => {
    const subject = productionSubject(id, `${label}, ${CONFIG.moreTenants + 1} tenants in turn`, kp);
    const keys = [kp.production?.key, ...(kp.production?.otherKeys ?? [])];
    return { ...subject, target: { ...subject.target, rotate: keys.map((key) => ({ authorization: `Bearer ${key}` })) } };
  };
  // The same, while one more organization changes its configuration: what announced changes cost the others.
  const churnSubject = (subject: Subject): Subject => ({
    ...subject,
    label: `${subject.label}, one more creating a gateway key every ${CONFIG.churnMs} ms`,
    churnMs: CONFIG.churnMs,
  });
  // The same, while a client floods the gateway with keys that do not exist: what refusing them costs the tenants.
  const floodSubject = (subject: Subject): Subject => ({
    ...subject,
    id: `${subject.id}-flood`,
    label: `${subject.label}, another client sending ${CONFIG.floodRate} req/s of keys that do not exist`,
    floodRate: CONFIG.floodRate,
  });
  const keyplaneSubjects: Subject[] = PRODUCTION
    ? [
        ...(kpPg ? [productionSubject('kp-pg', 'keyplane, PostgreSQL + Redis', kpPg)] : []),
        ...(kpPg ? [floodSubject(productionSubject('kp-pg', 'keyplane, PostgreSQL + Redis', kpPg))] : []),
        ...(kpPgTenants ? [manyTenantsSubject('kp-pg-tenants', 'keyplane, PostgreSQL + Redis', kpPgTenants)] : []),
        ...(kpPgTenants ? [churnSubject(manyTenantsSubject('kp-pg-churn', 'keyplane, PostgreSQL + Redis', kpPgTenants))] : []),
        productionSubject('kp-lite', 'keyplane, embedded (PGlite) + Redis', kpLite),
        ...(kpLiteTenants ? [manyTenantsSubject('kp-lite-tenants', 'keyplane, embedded (PGlite) + Redis', kpLiteTenants)] : []),
      ]
    : [
        {
          id: 'kp-lite',
          label: 'kp PGlite',
          target: json(kpLite.url, '/v1/chat/completions', { authorization: `Bearer ${kpLite.tenants.creditsKey}` }),
          child: kpLite.child,
          keyplane: kpLite,
        },
        {
          id: 'kp-byok',
          label: 'kp PGlite BYOK',
          target: json(kpLite.url, '/v1/chat/completions', { authorization: `Bearer ${kpLite.tenants.byokKey}` }),
          child: kpLite.child,
          keyplane: kpLite,
        },
        ...(kpPg
          ? [
              {
                id: 'kp-pg',
                label: 'kp Postgres',
                target: json(kpPg.url, '/v1/chat/completions', { authorization: `Bearer ${kpPg.tenants.creditsKey}` }),
                child: kpPg.child,
                keyplane: kpPg,
              },
            ]
          : []),
      ];
  const subjects: Subject[] = [
    {
      id: 'direct',
      label: 'direct',
      target: json(sim.url, '/openai/v1/chat/completions', { authorization: `Bearer ${PLATFORM_KEY}` }),
      child: sim.child,
    },
    {
      id: 'bare',
      label: 'bare proxy',
      target: json(bare.url, '/v1/chat/completions', { authorization: `Bearer ${PLATFORM_KEY}` }),
      child: bare.child,
    },
    ...(floor
      ? [
          {
            id: 'floor',
            label: 'floor: bare proxy + the work the guarantees require, PostgreSQL',
            target: json(floor.url, '/v1/chat/completions', { authorization: `Bearer ${PLATFORM_KEY}` }),
            child: floor.child,
          },
        ]
      : []),
    ...keyplaneSubjects,
    ...(portkey
      ? [
          {
            id: 'portkey',
            label: 'Portkey',
            target: json(portkey.url, '/v1/chat/completions', {
              authorization: `Bearer ${PLATFORM_KEY}`,
              'x-portkey-provider': 'openai',
              'x-portkey-custom-host': sim.openaiBase,
            }),
            child: portkey.child,
          },
        ]
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
      // The previous subject's flat-out phase leaves work behind (settlements, PostgreSQL's
      // writes): measuring the next one on top of it gave added p50s from 3 to 500 ms for the same code.
      const settled = await untilMachineQuiet();
      log(
        `run ${run + 1}/${CONFIG.runs}: ${subject.label}` +
          (settled.quiet
            ? settled.waitedMs > 1_000
              ? ` (waited ${(settled.waitedMs / 1000).toFixed(1)} s for a quiet machine)`
              : ''
            : ' (the machine did not go quiet in 30 s)'),
      );
      const windowStart = nowUs();
      const churn =
        subject.churnMs && subject.keyplane
          ? await startConfigChurn(subject.keyplane.url, subject.keyplane.env.adminToken, subject.churnMs)
          : null;
      const flood = subject.floodRate ? startKeyFlood(subject.target, subject.floodRate) : null;
      const probe = subject.keyplane?.production;
      if (probe) await loopWindowP99(subject.child, probe.loopOut); // starts the window
      const roles = { server: subject.child.proc.pid, simulator: sim.child.proc.pid, 'load generator': process.pid };
      const beforeFixed = PRODUCTION ? readMachineCpu(roles) : null;
      const fixed = await fixedRate(subject.target, {
        rate: CONFIG.rate,
        durationMs: CONFIG.fixedMs,
        warmupMs: CONFIG.warmupMs,
        stream: false,
      });
      // Open loop: the schedule's requests, warm-up included, are the ones the window's CPU served.
      const afterFixed = beforeFixed ? readMachineCpu(roles) : null;
      const loopDelayP99Ms = probe ? await loopWindowP99(subject.child, probe.loopOut) : undefined;
      const stream = await fixedRate(subject.target, {
        rate: CONFIG.streamRate,
        durationMs: CONFIG.streamMs,
        warmupMs: CONFIG.warmupMs / 2,
        stream: true,
      });
      const beforeFlat = PRODUCTION ? readMachineCpu(roles) : null;
      const flat = await flatOut(subject.target, { connections: CONFIG.connections, seconds: CONFIG.flatSeconds });
      if (churn) log(`  another organization made ${await churn.stop()} configuration changes meanwhile`);
      if (flood) {
        const { sent, accepted } = await flood.stop();
        log(`  another client sent ${sent} requests with keys that do not exist meanwhile (${accepted} accepted)`);
      }
      const machine =
        beforeFixed && afterFixed && beforeFlat
          ? {
              fixed: machineCpuPerRequest(beforeFixed, afterFixed, (CONFIG.rate * (CONFIG.fixedMs + CONFIG.warmupMs)) / 1000),
              flat: machineCpuPerRequest(beforeFlat, readMachineCpu(roles), flat.completed),
            }
          : undefined;
      if (subject.keyplane)
        profileWindows.set(subject.keyplane.name, [...(profileWindows.get(subject.keyplane.name) ?? []), [windowStart, nowUs()]]);
      results
        .get(subject.id)!
        .push({ fixed, stream, flat, ...(loopDelayP99Ms === undefined ? {} : { loopDelayP99Ms }), ...(machine ? { machine } : {}) });
    }
  }
  const memory = new Map(subjects.map((s) => [s.id, s.child.memory()]));
  if (PRODUCTION && redis) {
    const notes = await productionEvidence(
      subjects.flatMap((s) => (s.keyplane ? [s.keyplane] : [])),
      redis,
    );
    const minutes = (Date.now() - startedAt) / 60_000;
    process.stdout.write(
      renderProduction({ subjects, results, memory, config: CONFIG, loadAtStart, minutes, notes: [...notes, pgNote].filter(Boolean) }),
    );
    return;
  }

  // Usage writes, end to end: the server flat out on a key of its own, a clean shutdown, then count.
  const usage: UsageCheck[] = [];
  const profiles: { mode: string; text: string }[] = [];
  for (const kp of [kpLite, kpPg].filter((k): k is Keyplane => k !== null)) {
    log(`${kp.mode}: usage-write check (${CONFIG.usageFlatSeconds} s flat out, then SIGTERM)…`);
    const served = await flatOut(
      { origin: kp.url, path: '/v1/chat/completions', headers: { authorization: `Bearer ${kp.tenants.writerKey}` } },
      {
        connections: CONFIG.connections,
        seconds: CONFIG.usageFlatSeconds,
      },
    );
    const stopped = await kp.child.stop(60_000);
    if (kp.profileDir) {
      const file = mainThreadProfile(kp.profileDir);
      if (file)
        profiles.push({
          mode: kp.mode,
          text: formatProfile(summarizeProfile(join(kp.profileDir, file), { top: 30, windowsUs: profileWindows.get(kp.name) ?? [] })),
        });
    }
    const entry: (typeof usage)[number] = {
      mode: kp.mode,
      served,
      rows: null,
      byStatus: null,
      stopMs: stopped.ms,
      exitCode: stopped.code,
      writer: null,
      seed: null,
      queries: [],
    };
    usage.push(entry);
    try {
      log(
        `${kp.mode}: counting rows, driving the SettlementWriter (${CONFIG.writerSettlements}), seeding ${CONFIG.seedRows} usage records…`,
      );
      const output = await runNode(
        `db-tasks (${kp.mode})`,
        [
          '--import',
          'tsx',
          'bench/db-tasks.ts',
          JSON.stringify({
            organizationId: kp.tenants.organizationId,
            projectId: kp.tenants.projectId,
            countKeyId: kp.tenants.writerKeyId,
            gatewayKeyIds: [kp.tenants.writerKeyId],
            writerSettlements: CONFIG.writerSettlements,
            steadyRates: CONFIG.intentSteadyRates,
            steadySeconds: CONFIG.intentSteadySeconds,
            seedRows: CONFIG.seedRows,
          }),
        ],
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

/** What shows the production setup really ran: Redis keys under each server's prefix, and /metrics behind its token. */
async function productionEvidence(keyplanes: Keyplane[], redis: BenchRedis): Promise<string[]> {
  return Promise.all(
    keyplanes.map(async (kp) => {
      const metrics = await fetch(`${kp.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const text = await metrics.text();
      const requests = [...text.matchAll(/^keyplane_requests_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      const keys = await redis.keys(kp.production?.redisPrefix ?? '');
      return `${kp.name}: Redis ${redis.url.replace(/\/\/[^@]*@/, '//…@')} holds ${keys} key(s) under ${kp.production?.redisPrefix}; /metrics (token) answered ${metrics.status} counting ${requests} requests`;
    }),
  );
}

interface WriterResult {
  /** A request's wait for its write-ahead intent to be sent (group commit), ms. */
  intentP50Ms: number;
  intentP99Ms: number;
  /** Intents of settled records still on file (should be 0: settlement deletes them). */
  intentsLeft: number;
  /** The intent's wait at steady rates (after the burst). */
  steady?: { rate: number; seconds: number; requests: number; intentP50Ms: number; intentP99Ms: number }[];
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

/** One database's usage-write check: the server flat out then stopped, the writer driven directly, the seeded usage queries. */
interface UsageCheck {
  mode: string;
  served: FlatOutResult;
  rows: number | null;
  byStatus: unknown;
  stopMs: number;
  exitCode: number | null;
  writer: WriterResult | null;
  seed: SeedResult | null;
  queries: UsageQueryResult[];
  error?: string;
}

function render(input: {
  subjects: Subject[];
  results: Map<string, RunResult[]>;
  memory: Map<string, { rssMb: number; peakMb: number }>;
  usage: UsageCheck[];
  profiles: { mode: string; text: string }[];
  pgNote: string;
  minutes: number;
}): string {
  const { subjects, results } = input;
  const metric = runMetrics(results);
  const { runs } = metric;
  const has = (id: string) => runs(id).length > 0;
  const cols = subjects.filter((s, i, all) => all.findIndex((o) => o.id === s.id) === i);
  const row = (name: string, cell: (s: Subject) => string) => tableRow([name, ...cols.map(cell)], 'text');
  const lines: string[] = [];
  lines.push('');
  lines.push(
    `keyplane bench — ${input.results.get('direct')?.length ?? 0} run(s), medians; node ${process.version}, ${cpus().length} cores, load avg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${input.minutes.toFixed(1)} min`,
  );
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
  if (has('portkey'))
    lines.push(row('  × Portkey', (s) => (s.id.startsWith('kp') || s.id === 'bare' ? fmt(metric.vsPortkey(s.id), 2, '×') : '')));
  lines.push(`-- streaming, fixed ${CONFIG.streamRate} req/s, ms (first body byte)`);
  lines.push(row('time to first token p50', (s) => fmt(metric.ttft(s.id))));
  lines.push(row('added TTFT p50 over direct', (s) => (s.id === 'direct' ? '' : fmt(metric.addedTtft(s.id)))));
  lines.push('-- memory after load (VmRSS / peak VmHWM), MB');
  lines.push(row('RSS', (s) => fmt(input.memory.get(s.id)?.rssMb ?? NaN, 0)));
  lines.push(row('RSS peak', (s) => fmt(input.memory.get(s.id)?.peakMb ?? NaN, 0)));
  lines.push(row('failed requests (all phases)', (s) => String(metric.errors(s.id))));
  lines.push(
    row('abandoned: no answer 10 s after schedule', (s) =>
      String(runs(s.id).reduce((n, r) => n + r.fixed.unfinished + r.stream.unfinished, 0)),
    ),
  );
  lines.push('(kp PGlite and kp PGlite BYOK are one process: CREDITS key vs API_KEYS key with a stored OpenAI key.)');

  const failures = failedRequestLines(cols, runs);
  if (failures.length) lines.push('', 'FAILED REQUESTS:', ...failures);
  const lateRuns = cols.flatMap((s) =>
    runs(s.id)
      .filter((r) => r.fixed.achievedRate < CONFIG.rate * 0.95)
      .map((r) => `${s.label} ${r.fixed.achievedRate.toFixed(0)}/s`),
  );
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
        `${u.mode}: SettlementWriter driven directly, write-ahead on: ${u.writer.settlements} settlements (CREDITS: intent, then usage row + ledger debit each) in ${u.writer.seconds.toFixed(2)} s → ` +
          `${fmt(u.writer.rowsPerSecond, 0)} records/s, ${u.writer.rows} rows, ${u.writer.ledgerRows} ledger rows, lost ${u.writer.lost}; ` +
          `intent wait p50 ${u.writer.intentP50Ms.toFixed(1)} ms, p99 ${u.writer.intentP99Ms.toFixed(1)} ms, intents left ${u.writer.intentsLeft}`,
      );
      for (const st of u.writer.steady ?? [])
        lines.push(
          `${u.mode}: write-ahead intent at a steady ${st.rate} req/s for ${st.seconds} s (${st.requests} requests): added latency p50 ${st.intentP50Ms.toFixed(1)} ms, p99 ${st.intentP99Ms.toFixed(1)} ms`,
        );
    }
    if (u.seed)
      lines.push(
        `${u.mode}: seeded ${u.seed.rows} records with one INSERT … generate_series in ${(u.seed.insertMs / 1000).toFixed(1)} s (+ ANALYZE ${(u.seed.analyzeMs / 1000).toFixed(1)} s); table holds ${u.seed.totalRows}`,
      );
    for (const q of u.queries)
      lines.push(
        `${u.mode}: usage query by ${q.name}: median ${fmt(q.medianMs, 0)} ms (min ${fmt(q.minMs, 0)}) over ${CONFIG.queryRuns} runs, ${q.groups} groups, ${q.requests} records`,
      );
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
  each(
    'overhead p50 ≤ 0.5 ms at 1,000 req/s',
    metric.overP50,
    (v) => v <= 0.5,
    (v) => `${fmt(v)} ms`,
  );
  each(
    'overhead p99 ≤ 3 ms at 1,000 req/s',
    metric.overP99,
    (v) => v <= 3,
    (v) => `${fmt(v)} ms`,
  );
  if (has('portkey'))
    each(
      'flat-out throughput ≥ 4× Portkey',
      metric.vsPortkey,
      (v) => v >= 4,
      (v) => fmt(v, 2, '×'),
    );
  each(
    'flat-out throughput ≥ 80% of the bare proxy',
    metric.vsBare,
    (v) => v >= 0.8,
    (v) => `${fmt(v * 100, 0)}%`,
  );
  each(
    'added TTFT p50 ≤ 1 ms',
    metric.addedTtft,
    (v) => v <= 1,
    (v) => `${fmt(v)} ms`,
  );
  for (const id of kpIds.filter((id) => id !== 'kp-byok')) {
    const rss = input.memory.get(id)?.rssMb ?? NaN;
    const note = id === 'kp-lite' ? ' (PGlite adds ~110 MB; the target is for PostgreSQL mode)' : '';
    lines.push(
      `${check(Number.isFinite(rss) ? rss <= 120 : null)} ${'RSS after load ≤ 120 MB'.padEnd(46)} ${label(id).padEnd(16)} ${fmt(rss, 0)} MB${note}`,
    );
  }
  for (const u of input.usage) {
    if (u.writer) {
      lines.push(
        `${check(u.writer.rowsPerSecond >= 5_000 && u.writer.lost === 0 && u.writer.intentsLeft === 0)} ${'≥ 5,000 usage records/s, write-ahead on, none lost'.padEnd(46)} ${u.mode.padEnd(16)} ${fmt(u.writer.rowsPerSecond, 0)}/s, lost ${u.writer.lost}, intent p50/p99 ${u.writer.intentP50Ms.toFixed(1)}/${u.writer.intentP99Ms.toFixed(1)} ms`,
      );
    }
    if (u.rows !== null) {
      const lost = Math.max(0, u.served.completed - u.rows);
      lines.push(
        `${check(lost === 0)} ${'no usage record lost (server, clean shutdown)'.padEnd(46)} ${u.mode.padEnd(16)} ${u.served.completed} served, ${u.rows} rows`,
      );
    }
    for (const q of u.queries) {
      lines.push(
        `${check(q.medianMs <= 300)} ${`usage query (${q.name}) ≤ 300 ms, ${(u.seed?.totalRows ?? 0).toLocaleString('en')} rows`.padEnd(46)} ${u.mode.padEnd(16)} ${fmt(q.medianMs, 0)} ms`,
      );
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
