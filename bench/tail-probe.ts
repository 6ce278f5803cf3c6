/**
 * Where keyplane's tail comes from: one keyplane (PGlite or PostgreSQL) under a fixed-rate load
 * against a CREDITS key, with an event-loop delay histogram and GC pauses (bench/loop-probe.mjs),
 * a CPU profile over the measured window, and RSS after load.
 *
 * With --production, the key and server are set up like the production profile (Redis, rpm
 * limit, key and tag budgets, x-keyplane-tags, METRICS_TOKEN).
 *
 * With --flat-out, the measured window is 50 connections flat out (autocannon) instead of a fixed
 * rate: where keyplane's CPU goes when it is the bottleneck.
 *
 * With --tenants N, N more organizations (credits, a CREDITS project, a key each) share the load
 * in turn: what keyplane spends per active tenant rather than per request.
 *
 * With --body-kb N, every request (keyplane's, the direct call's, the bare proxy's) is a coding
 * agent's turn of about N KB (load.ts chatBody) instead of two short messages.
 *
 * With --pause N, keyplane idles N s more before its measured phase (it idles while the direct
 * call and the bare proxy are measured, about 3 × --seconds): long enough, and every lease kept
 * idle has gone back, so each organization's first requests take theirs again.
 *
 * With --churn N, one more organization (sending no traffic) creates a gateway key every N ms
 * during keyplane's measured phase (config-churn.ts): what one tenant's configuration changes
 * cost the others.
 *
 * With --stages, keyplane exports its request spans to the probe (stage-timings.ts), which prints
 * each stage's percentiles over the measured phase: where a request's time goes inside keyplane.
 *
 *   npx tsx bench/tail-probe.ts [--postgres] [--production] [--tenants 0] [--rate 1000 | --flat-out] [--seconds 5] [--body-kb 0] [--pause 0] [--churn 0] [--random-keys 0] [--stages] [--no-build] [--no-profile]
 *     [--node-arg=--max-semi-space-size=16 …] [--env MALLOC_ARENA_MAX=2 …] [--keep-profile out.cpuprofile (and out.bare.cpuprofile)]
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyStretches } from './busy-stretches.js';
import { optionalArg } from './cli-args.js';
import { startConfigChurn } from './config-churn.js';
import { startKeyFlood } from './key-flood.js';
import { type FixedRateResult, type FlatOutResult, fixedRate, flatOut, type Target } from './load.js';
import { formatMachineCpu, machineCpuPerRequest, processCpu, type Roles, readMachineCpu } from './machine-cpu.js';
import { scratchDatabaseUrl } from './postgres.js';
import { cleanupAll, installSignalHandlers, ROOT, sleep, tempDir } from './processes.js';
import { benchRedis } from './production.js';
import { formatBudgets, formatProfile, mainThreadProfile, perRequestBudget, summarizeProfile } from './profile-summary.js';
import {
  buildKeyplane,
  keyplaneEnv,
  PRODUCTION_TAGS,
  setupManyTenants,
  setupProductionKey,
  setupTenants,
  smokeTest,
  startBareProxy,
  startKeyplane,
  startSimulator,
} from './servers.js';
import { startStageTimings } from './stage-timings.js';

/** CPU time a process has used in user and kernel mode, in ms. */
function cpuMs(pid: number): { user: number; system: number } {
  const cpu = processCpu(pid);
  return { user: cpu?.userMs ?? NaN, system: cpu?.systemMs ?? NaN };
}

/** CPU per request between two readings: total, and the kernel's share (syscalls: sockets). */
function perRequest(before: { user: number; system: number }, after: { user: number; system: number }, requests: number): string {
  const user = (after.user - before.user) / requests;
  const system = (after.system - before.system) / requests;
  return `${(user + system).toFixed(3)} ms (${((100 * system) / (user + system)).toFixed(0)} % in the kernel)`;
}

/**
 * The main thread's scheduler counters (/proc/<pid>/schedstat, ns): time on a CPU, and time it was
 * runnable but waiting for one. A CPU profile counts the second as busy in whatever frame the
 * thread was preempted — mostly a socket write that woke the receiving process.
 */
function schedMs(pid: number): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
  return { run: (run ?? NaN) / 1e6, wait: (wait ?? NaN) / 1e6 };
}

/** A flat-out run in the fixed-rate shape the report reads (autocannon gives no maximum). */
function fromFlatOut(result: FlatOutResult): FixedRateResult {
  console.log(`flat out, 50 connections: ${result.rps.toFixed(0)} req/s (${result.ok} ok of ${result.completed})`);
  const latency = { p50: result.latencyP50, p90: NaN, p99: result.latencyP99, max: NaN };
  return {
    sent: result.completed,
    ok: result.ok,
    errors: result.errors + result.non2xx,
    unfinished: 0,
    errorSamples: [],
    achievedRate: result.rps,
    total: latency,
    firstByte: latency,
  };
}

const argv = process.argv.slice(2);
const rate = Number(optionalArg('rate') ?? 1000);
const flat = argv.includes('--flat-out');
const seconds = Number(optionalArg('seconds') ?? 5);
/** --no-profile: latency without the profiler's own cost (it samples every request thread stack). */
const profiling = !argv.includes('--no-profile');
/** Extra idle time before the measured phase: organizations coming back after a longer pause. */
const pauseSeconds = Number(optionalArg('pause') ?? 0);
/** A configuration change by another tenant every this many ms during the measured phase (0: none). */
const churnMs = Number(optionalArg('churn') ?? 0);
/** Requests a second with keys that do not exist (a client guessing, or flooding), beside the measured load (0: none). */
const randomKeyRate = Number(optionalArg('random-keys') ?? 0);
const nodeArgs = argv.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length));
const extraEnv = Object.fromEntries(argv.flatMap((a, i) => (a === '--env' ? [argv[i + 1]!.split('=') as [string, string]] : [])));

/**
 * One measured load against a server process: the results, its CPU per request from /proc, its
 * main thread's scheduler counters over the load, and the load's window (for the CPU profile).
 */
async function measured(target: Target, pid: number, others: Roles) {
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const roles = { server: pid, ...others };
  const started = nowUs();
  const cpuBefore = cpuMs(pid);
  const schedBefore = schedMs(pid);
  const machineBefore = readMachineCpu(roles);
  const load = flat
    ? fromFlatOut(await flatOut(target, { connections: 50, seconds }))
    : await fixedRate(target, { rate, durationMs: seconds * 1000, warmupMs: 0, stream: false });
  const machine = machineCpuPerRequest(machineBefore, readMachineCpu(roles), load.sent);
  const cpuPerRequest = perRequest(cpuBefore, cpuMs(pid), load.sent);
  const schedAfter = schedMs(pid);
  const window: [number, number] = [started, nowUs()];
  return {
    load,
    cpuPerRequest,
    machine,
    sched: { run: schedAfter.run - schedBefore.run, wait: schedAfter.wait - schedBefore.wait },
    window,
  };
}

async function main(): Promise<void> {
  installSignalHandlers();
  if (!argv.includes('--no-build')) await buildKeyplane();
  const simulator = await startSimulator();
  let databaseUrl: string | undefined;
  if (argv.includes('--postgres')) {
    databaseUrl = await scratchDatabaseUrl();
  }
  const production = argv.includes('--production');
  const redis = production ? await benchRedis() : null;
  const serverEnv = redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix('tail'), METRICS_TOKEN: 'bench-metrics' } : undefined;
  const env = keyplaneEnv('kp-tail', simulator.openaiBase, databaseUrl, serverEnv);
  let { child, url } = await startKeyplane(env, { extraEnv });
  const tenants = await setupTenants(url, env.adminToken);
  const gatewayKey = production ? await setupProductionKey(url, env.adminToken, tenants) : tenants.creditsKey;
  const manyKeys = await setupManyTenants(url, env.adminToken, Number(optionalArg('tenants') ?? 0));
  await child.stop();
  const profileDir = tempDir('tail-prof');
  const probeOut = join(profileDir, 'loop.json');
  const stages = argv.includes('--stages') ? await startStageTimings() : null;
  ({ child, url } = await startKeyplane(env, {
    ...(profiling ? { cpuProfDir: profileDir } : {}),
    nodeArgs: ['--import', join(ROOT, 'bench', 'loop-probe.mjs'), ...nodeArgs],
    extraEnv: { ...extraEnv, ...stages?.env, LOOP_PROBE_OUT: probeOut },
  }));
  await smokeTest(url, gatewayKey);
  const headers: Record<string, string> = { authorization: `Bearer ${gatewayKey}` };
  if (production) headers['x-keyplane-tags'] = PRODUCTION_TAGS;
  const rotate = manyKeys.length > 0 ? [gatewayKey, ...manyKeys].map((key) => ({ authorization: `Bearer ${key}` })) : undefined;
  const bodyKb = Number(optionalArg('body-kb') ?? 0);
  const target = { origin: url, path: '/v1/chat/completions', headers, bodyKb, ...(rotate ? { rotate } : {}) };
  const direct = { origin: simulator.url, path: '/openai/v1/chat/completions', headers: { authorization: 'Bearer sk-bench' }, bodyKb };
  await fixedRate(target, { rate, durationMs: 2_000, warmupMs: 0, stream: false });
  const base = await fixedRate(direct, { rate, durationMs: seconds * 1000, warmupMs: 500, stream: false });
  // The platform's floor: CPU a bare proxy spends per request under the same load (profiled, for the budget below).
  const bareProfileDir = profiling ? tempDir('tail-bare-prof') : undefined;
  const bare = await startBareProxy(simulator.openaiBase, bareProfileDir ? { cpuProfDir: bareProfileDir } : {});
  const bareTarget = { origin: bare.url, path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench' }, bodyKb };
  await fixedRate(bareTarget, { rate, durationMs: 1_000, warmupMs: 0, stream: false });
  // The rest of the machine, by role: where a flat-out run's CPU goes besides the server.
  const others = { simulator: simulator.child.proc.pid, 'load generator': process.pid };
  const bareRun = await measured(bareTarget, bare.child.proc.pid!, others);
  await bare.child.stop();
  if (pauseSeconds > 0) {
    console.log(`idle for ${pauseSeconds} s more before keyplane's measured phase`);
    await sleep(pauseSeconds * 1000);
  }
  child.proc.kill('SIGUSR2');
  await sleep(50);
  const churn = churnMs > 0 ? await startConfigChurn(url, env.adminToken, churnMs) : null;
  const flood = randomKeyRate > 0 ? startKeyFlood(target, randomKeyRate) : null;
  const measuredFrom = Date.now();
  const { load, cpuPerRequest, machine, sched, window } = await measured(target, child.proc.pid!, others);
  const stageTable = stages ? await stages.report(measuredFrom, Date.now()) : null;
  if (flood) {
    const { sent, accepted } = await flood.stop();
    console.log(`random keys: ${sent} sent at ${randomKeyRate} req/s, ${accepted} accepted`);
  }
  if (churn) console.log(`another organization made ${await churn.stop()} configuration changes (a gateway key every ${churnMs} ms)`);
  await sleep(1_000);
  const memory = child.memory();
  await child.stop();
  const loop = JSON.parse(readFileSync(probeOut, 'utf8'));
  const profile = mainThreadProfile(profileDir);
  const f = (n: number) => n.toFixed(2);
  console.log(
    `keyplane ${databaseUrl ? 'PostgreSQL' : 'PGlite'}${production ? ' (production profile)' : ''}${manyKeys.length ? `, ${manyKeys.length + 1} tenants` : ''}, ${flat ? 'flat out, 50 connections' : `${rate} req/s`} × ${seconds} s${bodyKb ? `, ${bodyKb} KB agent requests` : ''}, node ${nodeArgs.join(' ') || '(defaults)'} env ${JSON.stringify(extraEnv)}`,
  );
  console.log(`direct      p50 ${f(base.total.p50)}  p99 ${f(base.total.p99)}  max ${f(base.total.max)} ms`);
  console.log(`keyplane    p50 ${f(load.total.p50)}  p99 ${f(load.total.p99)}  max ${f(load.total.max)} ms  ok ${load.ok}/${load.sent}`);
  console.log(`added       p50 ${f(load.total.p50 - base.total.p50)}  p99 ${f(load.total.p99 - base.total.p99)} ms`);
  console.log(`CPU per request: keyplane ${cpuPerRequest}, bare proxy ${bareRun.cpuPerRequest} (same ${flat ? 'flat-out load' : 'rate'})`);
  const windowMs = (window[1] - window[0]) / 1000;
  console.log(
    `main thread over ${f(windowMs / 1000)} s: on a CPU ${sched.run.toFixed(0)} ms, runnable but waiting for a CPU ${sched.wait.toFixed(0)} ms`,
  );
  const perReq = (run: { sched: { run: number; wait: number }; load: { sent: number } }) =>
    `on a CPU ${((1000 * run.sched.run) / run.load.sent).toFixed(1)} µs, waiting ${((1000 * run.sched.wait) / run.load.sent).toFixed(1)} µs`;
  console.log(`main thread per request: keyplane ${perReq({ sched, load })}; bare proxy ${perReq(bareRun)}`);
  console.log(formatMachineCpu({ label: 'keyplane', rows: machine }, { label: 'bare', rows: bareRun.machine }));
  if (stageTable) console.log(stageTable);
  console.log(`event loop delay p50 ${f(loop.loopDelayMs.p50)}  p99 ${f(loop.loopDelayMs.p99)}  max ${f(loop.loopDelayMs.max)} ms`);
  console.log(
    `GC ${loop.gc.count} pauses (${loop.gc.major} mark-sweep), total ${f(loop.gc.totalMs)} ms, p99 ${f(loop.gc.p99Ms)}, max ${f(loop.gc.maxMs)} ms`,
  );
  console.log(
    `RSS after load ${memory.rssMb.toFixed(0)} MB, peak ${memory.peakMb.toFixed(0)} MB; at exit, MB: ${JSON.stringify(loop.memoryMb)}`,
  );
  const keep = optionalArg('keep-profile');
  if (profile && keep) copyFileSync(join(profileDir, profile), keep);
  if (profile) console.log(`longest busy stretches:\n${busyStretches(join(profileDir, profile), window)}`);
  if (profile) console.log(formatProfile(summarizeProfile(join(profileDir, profile), { top: 25, windowsUs: [window] })));
  const bareProfile = bareProfileDir && mainThreadProfile(bareProfileDir);
  if (keep && bareProfileDir && bareProfile)
    copyFileSync(join(bareProfileDir, bareProfile), keep.replace(/(\.cpuprofile)?$/, '.bare.cpuprofile'));
  if (profile && bareProfileDir && bareProfile) {
    const ours = perRequestBudget(join(profileDir, profile), window, load.sent);
    const theirs = perRequestBudget(join(bareProfileDir, bareProfile), bareRun.window, bareRun.load.sent);
    console.log(formatBudgets({ label: 'keyplane', budget: ours }, { label: 'bare', budget: theirs }));
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
