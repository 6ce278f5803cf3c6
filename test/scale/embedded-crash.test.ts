import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { eventually } from '../support/eventually.js';
import { createCreditsTenant, type ServerProcess, startServerProcess } from '../support/server-process.js';

const TOKEN = 'embedded-crash-admin-token';
const PLATFORM_KEY = 'sk-platform-embedded-crash-aaaaaaaaaa';
const IN_FLIGHT = 10;

/**
 * The embedded database keeps write-ahead intents in a journal file in its data dir. A server
 * SIGKILLed with calls at the upstream, then started again on the same data dir: every call the
 * upstream received has exactly one usage record, and Σ billed = −Σ debits.
 */
describe('SIGKILL on the embedded database: write-ahead journal file', { timeout: 240_000 }, () => {
  let sim: UpstreamSimulator;
  let dataDir: string;
  let env: Record<string, string>;
  const started: ServerProcess[] = [];

  beforeAll(async () => {
    sim = await startUpstreamSimulator();
    dataDir = mkdtempSync(join(tmpdir(), 'keyplane-embedded-crash-'));
    env = {
      ...sim.env(),
      OPENAI_API_KEY: PLATFORM_KEY,
      KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey(),
      KEYPLANE_ADMIN_TOKEN: TOKEN,
      KEYPLANE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // An empty DATABASE_URL in the parent's environment must not point the server elsewhere.
      DATABASE_URL: '',
    };
  });

  afterAll(async () => {
    for (const server of started) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const server = await startServerProcess(env);
    started.push(server);
    return server;
  };

  it('records every upstream call once after a restart, billed and debited alike', async () => {
    const first = await start();
    const tenant = await createCreditsTenant(first.url, TOKEN);
    const call = (stream: boolean) =>
      fetch(`${first.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'a long story about ledgers' }] }),
      })
        .then((response) => response.text())
        .catch(() => ''); // cut by the kill

    // A few calls first (their settlements are written within the writer's 100 ms interval, so
    // usually before the kill: the replay then drops their intents); then slow ones are at the
    // upstream when the process dies.
    await Promise.all([call(false), call(true), call(false)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    sim.setKeyBehavior(PLATFORM_KEY, { kind: 'slow', chunkDelayMs: 200 });
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) => call(i % 2 === 0));
    await eventually('every slow call at the upstream', () => sim.requests.length === 3 + IN_FLIGHT, { timeoutMs: 60_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(inFlight);
    sim.clearKeyBehaviors();
    const journal = join(dataDir, 'intents');
    expect(readdirSync(journal).length).toBeGreaterThan(0);

    // The next start replays the file and records what never settled.
    const second = await start();
    await eventually(
      'the restarted server to record the dead process’s requests',
      () => second.output.join('').includes('Recorded requests a dead instance made and never settled'),
      { timeoutMs: 60_000 },
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // A clean stop with everything settled leaves no journal file behind.
    expect(existsSync(journal) ? readdirSync(journal) : []).toEqual([]);

    const db = await openDatabase({ dataDir: join(dataDir, 'db') });
    try {
      const records = await db.prisma.usageRecord.findMany({ where: { organizationId: tenant.org } });
      expect(records).toHaveLength(sim.requests.length);
      expect(new Set(records.map((r) => r.requestId)).size).toBe(records.length);
      // Every call cut by the kill is recorded from its intent; the first three are recorded as
      // served, or (if the kill beat their settlement on a busy machine) from their intents too.
      const interrupted = records.filter((r) => r.failureClass === 'STREAM_INTERRUPTED').length;
      expect(interrupted).toBeGreaterThanOrEqual(IN_FLIGHT);
      expect(records.filter((r) => r.status === 'SUCCESS')).toHaveLength(records.length - interrupted);
      const billed = records.reduce((sum, r) => sum + BigInt(r.billedCostUsd.toFixed(12).replace('.', '')), 0n);
      const ledger = await db.prisma.creditLedgerEntry.findMany({ where: { organizationId: tenant.org, kind: 'USAGE' } });
      const debited = ledger.reduce((sum, e) => sum - BigInt(e.amountUsd.toFixed(12).replace('.', '')), 0n);
      expect(billed).toBeGreaterThan(0n);
      expect(debited).toBe(billed);
      expect(await db.prisma.usageIntent.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
