/**
 * npm run soak [-- --seconds 600 --rate 500 --postgres]
 *
 * Holds keyplane (its own process, embedded database unless --postgres) at a fixed request
 * rate against the local upstream simulator, printing RSS, errors and latency every 10 s.
 * Then it stops the server with SIGTERM and checks every request served was recorded.
 * Loopback only; bounded in time; stops by itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { openDatabase } from '../server/db/database.js';
import { generateEncryptionKey } from '../server/secrets/key-ring.js';
import { startUpstreamSimulator } from '../tools/simulator/upstream-simulator.js';
import { createScratchDatabase } from './postgres.js';
import { cleanupAll, freePort, HOST, installSignalHandlers, spawnChild, tempDir } from './processes.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    rate: { type: 'string', default: '500' },
    postgres: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const TOKEN = 'soak-admin-token';

const rssMb = (pid: number) => {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
};
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function main() {
  installSignalHandlers();
  const sim = await startUpstreamSimulator({ fast: true });
  const dataDir = tempDir('soak');
  const scratch = values.postgres ? await createScratchDatabase() : null;
  if (scratch && 'unavailable' in scratch) throw new Error(scratch.unavailable);
  const env: Record<string, string> = {
    ...sim.env(),
    OPENAI_API_KEY: 'sk-platform-soak-aaaaaaaaaaaaaaaaaaaa',
    KEYPLANE_ADMIN_TOKEN: TOKEN,
    KEYPLANE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(scratch ? { DATABASE_URL: scratch.url, KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey() } : {}),
  };
  const port = await freePort();
  const child = await spawnChild({
    name: 'keyplane',
    args: ['--import', 'tsx', 'server/main.ts'],
    env: { ...env, PORT: String(port), HOST },
    port,
  });
  const server = { url: `http://${HOST}:${port}` };
  const pid = child.pid;
  try {
    const gql = async (query: string, variables?: object) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query, variables }),
      });
      return ((await response.json()) as { data: Record<string, any> }).data;
    };
    const org = (await gql('mutation { createOrganization(input:{name:"Soak"}) { id } }')).createOrganization.id;
    await gql('mutation($o:ID!){ addCredits(input:{organizationId:$o, amountUsd:"100000"}) { entry { id } } }', { o: org });
    const project = (await gql('mutation($o:ID!){ createProject(input:{organizationId:$o, name:"p", mode: CREDITS}) { id } }', { o: org }))
      .createProject.id;
    const key = (await gql('mutation($p:ID!){ createGatewayKey(input:{projectId:$p, name:"k"}) { secret } }', { p: project }))
      .createGatewayKey.secret;

    const pool = new Pool(server.url, { connections: 64 });
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'soak' }] });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    let ok = 0;
    let errors = 0;
    const errorKinds = new Map<string, number>();
    let window: number[] = [];
    const samples: { t: number; rss: number }[] = [{ t: 0, rss: rssMb(pid) }];
    process.stdout.write(
      `soak: ${rate} req/s for ${seconds} s against ${values.postgres ? 'PostgreSQL' : 'embedded PGlite'}; RSS at start ${samples[0]?.rss} MB\n`,
    );
    process.stdout.write('  t(s)   RSS(MB)   ok      errors   p50(ms)  p99(ms)\n');

    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    let nextReport = started + 10_000;
    while (Date.now() - started < seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      for (; sent < due; sent += 1) {
        const t0 = performance.now();
        const request = pool
          .request({ path: '/v1/chat/completions', method: 'POST', headers, body })
          .then(async (response) => {
            await response.body.text();
            if (response.statusCode === 200) ok += 1;
            else {
              errors += 1;
              errorKinds.set(String(response.statusCode), (errorKinds.get(String(response.statusCode)) ?? 0) + 1);
            }
            window.push(performance.now() - t0);
          })
          .catch((error: Error) => {
            errors += 1;
            errorKinds.set(error.name, (errorKinds.get(error.name) ?? 0) + 1);
          })
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      if (Date.now() >= nextReport) {
        const sorted = window.sort((a, b) => a - b);
        const t = Math.round((Date.now() - started) / 1000);
        const rss = rssMb(pid);
        samples.push({ t, rss });
        process.stdout.write(
          `  ${String(t).padStart(4)}   ${String(rss).padStart(7)}   ${String(ok).padEnd(7)} ${String(errors).padEnd(8)} ${percentile(sorted, 0.5).toFixed(2).padStart(7)}  ${percentile(sorted, 0.99).toFixed(2).padStart(7)}\n`,
        );
        window = [];
        nextReport += 10_000;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(inFlight);
    await pool.close();

    const { code } = await child.stop();
    const db = await openDatabase(scratch ? { url: scratch.url } : { dataDir: join(dataDir, 'db') });
    const recorded = await db.prisma.usageRecord.count({ where: { status: 'SUCCESS' } });
    await db.close();

    const first = samples[1] ?? samples[0];
    const last = samples.at(-1);
    process.stdout.write(
      `\nsoak done: ${ok} ok, ${errors} errors${errorKinds.size ? ` (${[...errorKinds].map(([k, n]) => `${k}×${n}`).join(', ')})` : ''}; ` +
        `exit code ${String(code)}; usage records ${recorded} for ${ok} served (${recorded === ok ? 'none lost' : `${ok - recorded} missing`})\n` +
        `RSS: start ${samples[0]?.rss} MB, after 10 s ${first?.rss} MB, end ${last?.rss} MB (growth after warm-up ${(last?.rss ?? 0) - (first?.rss ?? 0)} MB)\n`,
    );
    if (recorded !== ok || errors > 0) process.exitCode = 1;
  } finally {
    await sim.close();
    await cleanupAll();
  }
}

await main();
