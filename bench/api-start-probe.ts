/**
 * What the control plane's first request costs the gateway: the GraphQL API loads on the first
 * /graphql request, on the thread that serves /v1. Each run starts keyplane (PostgreSQL) afresh
 * and sends gateway requests at a fixed rate for three seconds; one second in, the first
 * GraphQL query. It prints that query's time, the event loop's longest delay, and the gateway
 * requests' p99 and maximum, beside a run of the same load with no API start.
 *   npx tsx bench/api-start-probe.ts [--runs 3] [--rate 200] [--no-build]
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionalArg } from './cli-args.js';
import { fixedRate } from './load.js';
import { scratchDatabaseUrl } from './postgres.js';
import { cleanupAll, installSignalHandlers, ROOT, sleep, tempDir } from './processes.js';
import { buildKeyplane, graphql, keyplaneEnv, setupTenants, smokeTest, startKeyplane, startSimulator } from './servers.js';

const argv = process.argv.slice(2);
const runs = Number(optionalArg('runs') ?? 3);
const rate = Number(optionalArg('rate') ?? 200);

async function main(): Promise<void> {
  installSignalHandlers();
  if (!argv.includes('--no-build')) await buildKeyplane();
  const simulator = await startSimulator();
  const env = keyplaneEnv('kp-api-start', simulator.openaiBase, await scratchDatabaseUrl());
  const setup = await startKeyplane(env);
  const { creditsKey } = await setupTenants(setup.url, env.adminToken);
  await setup.child.stop();
  const probeDir = tempDir('api-start');
  for (let run = 1; run <= runs; run++) {
    for (const withApi of [true, false]) {
      const out = join(probeDir, `loop-${run}-${withApi}.json`);
      const { child, url } = await startKeyplane(env, {
        nodeArgs: ['--import', join(ROOT, 'bench', 'loop-probe.mjs')],
        extraEnv: { LOOP_PROBE_OUT: out },
      });
      await smokeTest(url, creditsKey);
      const gateway = { origin: url, path: '/v1/chat/completions', headers: { authorization: `Bearer ${creditsKey}` } };
      await fixedRate(gateway, { rate, durationMs: 1_000, warmupMs: 0, stream: false });
      process.kill(child.pid, 'SIGUSR2'); // the loop probe's window starts here
      const load = fixedRate(gateway, { rate, durationMs: 3_000, warmupMs: 0, stream: false });
      await sleep(1_000);
      const started = performance.now();
      if (withApi) await graphql(url, env.adminToken, '{ __typename }');
      const apiMs = performance.now() - started;
      const { total } = await load;
      process.kill(child.pid, 'SIGUSR2');
      await sleep(300);
      const loop = JSON.parse(readFileSync(out, 'utf8')).loopDelayMs as { max: number; p99: number };
      const { rssMb } = child.memory();
      await child.stop();
      console.log(
        `run ${run} ${withApi ? 'first API request' : 'no API request   '}: ${withApi ? `answered in ${apiMs.toFixed(0)} ms, ` : ''}event loop delay max ${loop.max.toFixed(1)} ms; gateway at ${rate} req/s p99 ${total.p99.toFixed(1)} ms, max ${total.max.toFixed(1)} ms; RSS ${rssMb.toFixed(0)} MB`,
      );
    }
  }
  await cleanupAll();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await cleanupAll();
  process.exit(1);
});
