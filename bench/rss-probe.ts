/**
 * Where keyplane's memory goes: starts the compiled server (as `npm start` runs it) on PostgreSQL
 * (a scratch database) and on PGlite (a temp data dir), and reports VmRSS idle after start-up,
 * after /readyz, and after a short load against the fast upstream simulator.
 *
 *   npx tsx bench/rss-probe.ts [--no-build] [--no-postgres] [--no-pglite] [--load-seconds N]
 *                              [--node-flags "--max-semi-space-size=1 …"] [--build-dir DIR]
 *
 * Environment reaches the server, so glibc settings can be tried too (MALLOC_ARENA_MAX=2 npx tsx …).
 * --build-dir runs an existing build (e.g. of another checkout) instead of compiling to dist/.rss.
 *
 * VmRSS (from /proc) is the number that counts. The breakdown (heap, external, array buffers,
 * V8 spaces) comes from bench/memory-report.mjs, preloaded with `--import` into the server
 * process by this probe only: on SIGUSR2 it prints process.memoryUsage() before and after a
 * full GC (`--expose-gc`). keyplane itself has no debug endpoint or hook for this.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionalArg } from './cli-args.js';
import { fixedRate, flatOut } from './load.js';
import { createScratchDatabase } from './postgres.js';
import { type Child, cleanupAll, freePort, HOST, installSignalHandlers, ROOT, runNode, sleep, spawnChild } from './processes.js';
import { type KeyplaneEnv, keyplaneEnv, PLATFORM_KEY, setupTenants, smokeTest, startSimulator } from './servers.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const BUILD_DIR = optionalArg('build-dir') ?? join(ROOT, 'dist', '.rss');
const MAIN = join(BUILD_DIR, 'server', 'main.js');
const LOAD_SECONDS = Number(optionalArg('load-seconds') ?? 4);
const NODE_FLAGS = (optionalArg('node-flags') ?? '').split(/\s+/).filter(Boolean);

interface Snapshot {
  rssMb: number;
  peakMb: number;
  /** process.memoryUsage() after a full GC, MB. */
  heapUsedMb?: number;
  heapTotalMb?: number;
  externalMb?: number;
  arrayBuffersMb?: number;
  /** RSS not explained by the V8 heap and external memory: code, WASM memory, native allocations. */
  otherMb?: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function vm(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** VmRSS now, plus the memoryUsage breakdown the preloaded reporter prints on SIGUSR2. */
async function snapshot(child: Child): Promise<Snapshot> {
  const report = new Promise<Record<string, unknown> | undefined>((resolve) => {
    let buffer = '';
    const timer = setTimeout(() => done(undefined), 3_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /@@memory (\{.*\})\n/.exec(buffer);
      if (match) done(JSON.parse(match[1]!) as Record<string, unknown>);
    };
    const done = (value: Record<string, unknown> | undefined) => {
      clearTimeout(timer);
      child.proc.stderr?.off('data', onData);
      resolve(value);
    };
    child.proc.stderr?.on('data', onData);
  });
  child.proc.kill('SIGUSR2');
  const json = await report;
  await sleep(200);
  const memory = vm(child.pid);
  if (!json) return memory;
  const after = json.after as NodeJS.MemoryUsage;
  return {
    ...memory,
    heapUsedMb: mb(after.heapUsed),
    heapTotalMb: mb(after.heapTotal),
    externalMb: mb(after.external),
    arrayBuffersMb: mb(after.arrayBuffers),
    otherMb: Math.round((memory.rssMb - mb(after.heapTotal) - mb(after.external)) * 10) / 10,
  };
}

async function startServer(env: KeyplaneEnv): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = await spawnChild({
    name: `keyplane (${env.label})`,
    args: ['--expose-gc', '--import', join(ROOT, 'bench', 'memory-report.mjs'), ...NODE_FLAGS, MAIN],
    env: {
      PORT: String(port),
      HOST,
      DATABASE_URL: env.databaseUrl ?? '',
      KEYPLANE_DATA_DIR: env.dataDir,
      KEYPLANE_ADMIN_TOKEN: env.adminToken,
      KEYPLANE_ADMIN_PASSWORD: 'bench-password-123',
      KEYPLANE_ENCRYPTION_KEY: env.encryptionKey,
      OPENAI_BASE_URL: env.openaiBase,
      OPENAI_API_KEY: PLATFORM_KEY,
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      HOSTED_KEY_LLM: '',
    },
    port,
    startTimeoutMs: 120_000,
  });
  return { child, url: `http://${HOST}:${port}` };
}

async function probe(env: KeyplaneEnv): Promise<Record<string, Snapshot | number | string>> {
  const started = Date.now();
  const { child, url } = await startServer(env);
  const startMs = Date.now() - started;
  await sleep(2_000);
  const idle = await snapshot(child);
  for (let i = 0; i < 3; i++) {
    const ready = await fetch(`${url}/readyz`);
    if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status}: ${await ready.text()}`);
    await sleep(5_100); // past the readiness cache, so each probe checks migrations again
  }
  const afterReadyz = await snapshot(child);
  const tenants = await setupTenants(url, env.adminToken);
  await smokeTest(url, tenants.creditsKey);
  const target = { origin: url, path: '/v1/chat/completions', headers: { authorization: `Bearer ${tenants.creditsKey}` } };
  const fixed = await fixedRate(target, { rate: 1_000, durationMs: LOAD_SECONDS * 1_000, warmupMs: 500, stream: false });
  await fixedRate(target, { rate: 500, durationMs: (LOAD_SECONDS * 1_000) / 2, warmupMs: 0, stream: true });
  const flat = await flatOut(target, { connections: 50, seconds: Math.max(2, LOAD_SECONDS / 2) });
  const peakUnderLoad = vm(child.pid).peakMb;
  await sleep(2_000);
  const afterLoad = await snapshot(child);
  await child.stop();
  return {
    startMs,
    idle,
    afterReadyz,
    afterLoad,
    peakUnderLoad,
    load: `${fixed.ok} fixed-rate ok, ${fixed.errors} errors; flat-out ${Math.round(flat.rps)} req/s`,
  };
}

function print(label: string, result: Record<string, Snapshot | number | string>): void {
  console.log(`\n== ${label} (start-up ${result.startMs} ms; ${result.load}; VmHWM ${result.peakUnderLoad} MB)`);
  console.log('moment          VmRSS  heapUsed heapTotal external arrayBuf  other');
  for (const key of ['idle', 'afterReadyz', 'afterLoad'] as const) {
    const s = result[key] as Snapshot;
    const cell = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(1)).padStart(9);
    console.log(
      `${key.padEnd(14)}${cell(s.rssMb)}${cell(s.heapUsedMb)}${cell(s.heapTotalMb)}${cell(s.externalMb)}${cell(s.arrayBuffersMb)}${cell(s.otherMb)}`,
    );
  }
}

async function main(): Promise<void> {
  installSignalHandlers();
  if (!flag('no-build') && !optionalArg('build-dir')) {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await runNode('tsc', [tsc, '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], {}, 240_000).catch((error: unknown) => {
      console.error(`tsc reported errors (JavaScript still emitted):\n${String(error).split('\n').slice(0, 6).join('\n')}`);
    });
  }
  const simulator = await startSimulator();
  if (NODE_FLAGS.length) console.log(`node flags: ${NODE_FLAGS.join(' ')}`);
  if (!flag('no-postgres')) {
    const scratch = await createScratchDatabase();
    if ('unavailable' in scratch) console.log(`PostgreSQL: skipped (${scratch.unavailable})`);
    else {
      print('PostgreSQL', await probe(keyplaneEnv('rss postgres', simulator.openaiBase, scratch.url)));
      await scratch.drop();
    }
  }
  if (!flag('no-pglite')) print('PGlite', await probe(keyplaneEnv('rss pglite', simulator.openaiBase)));
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
