/**
 * How many requests a freshly started keyplane serves before its CPU per request settles (V8
 * compiles hot functions with its optimising compiler only after many calls):
 *   npx tsx bench/warm-probe.ts [--seconds 20] [--rate 1000] [--runs 2] [--idle 0] [--no-build]
 *     [--variant "label:--v8-flag …"]…
 * Each run starts keyplane (PostgreSQL, production profile) afresh for every variant, in turn,
 * and prints its process CPU per request for each second of a fixed-rate load. With --idle N,
 * keyplane then idles N s and serves the same load again: what its first seconds after a pause
 * cost, warm (what went cold while it idled: V8's compiled code, caches, connections).
 */

import { optionalArg } from './cli-args.js';
import { fixedRate } from './load.js';
import { processCpu } from './machine-cpu.js';
import { scratchDatabaseUrl } from './postgres.js';
import { cleanupAll, installSignalHandlers, sleep } from './processes.js';
import { benchRedis } from './production.js';
import {
  buildKeyplane,
  keyplaneEnv,
  PRODUCTION_TAGS,
  setupProductionKey,
  setupTenants,
  smokeTest,
  startKeyplane,
  startSimulator,
} from './servers.js';

const argv = process.argv.slice(2);
const seconds = Number(optionalArg('seconds') ?? 20);
const rate = Number(optionalArg('rate') ?? 1000);
const runs = Number(optionalArg('runs') ?? 2);
const idleSeconds = Number(optionalArg('idle') ?? 0);
const variants = argv.flatMap((a, i) => (a === '--variant' ? [argv[i + 1] as string] : []));
if (variants.length === 0) variants.push('default:');

async function main(): Promise<void> {
  installSignalHandlers();
  if (!argv.includes('--no-build')) await buildKeyplane();
  const simulator = await startSimulator();
  const redis = await benchRedis();
  const serverEnv = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix('warm'), METRICS_TOKEN: 'bench-metrics' };
  const env = keyplaneEnv('kp-warm', simulator.openaiBase, await scratchDatabaseUrl(), serverEnv);
  const setup = await startKeyplane(env);
  const tenants = await setupTenants(setup.url, env.adminToken);
  const gatewayKey = await setupProductionKey(setup.url, env.adminToken, tenants);
  await setup.child.stop();
  const headers = { authorization: `Bearer ${gatewayKey}`, 'x-keyplane-tags': PRODUCTION_TAGS };
  for (let run = 0; run < runs; run++) {
    for (const variant of variants) {
      const [label, flags = ''] = variant.split(/:(.*)/s) as [string, string?];
      const { child, url } = await startKeyplane(env, { nodeArgs: flags.split(' ').filter(Boolean) });
      await smokeTest(url, gatewayKey);
      await sleep(500);
      const pid = child.proc.pid as number;
      const fresh = await cpuBySecond(pid, url, headers);
      let afterIdle: Phase | null = null;
      if (idleSeconds > 0) {
        await sleep(idleSeconds * 1000);
        afterIdle = await cpuBySecond(pid, url, headers);
      }
      const memory = child.memory();
      await child.stop();
      const line = (phase: string, { load, perRequest }: Phase) =>
        `run ${run + 1} ${label.padEnd(12)} ${phase} p50 ${load.total.p50.toFixed(2)} p99 ${load.total.p99.toFixed(2)} ms; µs CPU/request by second: ${perRequest.join(' ')}`;
      console.log(`${line('fresh', fresh)}; RSS ${memory.rssMb.toFixed(0)} MB`);
      if (afterIdle) console.log(line(`after ${idleSeconds} s idle`, afterIdle));
    }
  }
  await cleanupAll();
}

type Phase = { load: Awaited<ReturnType<typeof fixedRate>>; perRequest: string[] };

/** A fixed-rate load for --seconds, and the process's CPU per request (µs) in each of its seconds. */
async function cpuBySecond(pid: number, url: string, headers: Record<string, string>): Promise<Phase> {
  const samples: number[] = [];
  let last = processCpu(pid);
  const timer = setInterval(() => {
    const now = processCpu(pid);
    if (now && last) samples.push(now.userMs + now.systemMs - last.userMs - last.systemMs);
    last = now;
  }, 1_000);
  const load = await fixedRate(
    { origin: url, path: '/v1/chat/completions', headers },
    { rate, durationMs: seconds * 1000, warmupMs: 0, stream: false },
  );
  clearInterval(timer);
  return { load, perRequest: samples.slice(0, seconds).map((ms) => ((ms / rate) * 1000).toFixed(0)) };
}

main().catch(async (error: unknown) => {
  console.error(error);
  await cleanupAll();
  process.exit(1);
});
