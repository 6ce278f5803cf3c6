import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { createCreditsTenant, serverProcessEnv, startServerProcess } from '../support/server-process.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

const TOKEN = 'lifecycle-admin-token';
const PLATFORM_KEY = 'sk-platform-lifecycle-aaaaaaaaaaaaaaaa';

interface Outcome {
  requestId: string | null;
  completedAt: number | null;
}

/**
 * The server as its own process, stopped with SIGTERM or SIGKILL while it is under load.
 * PostgreSQL holds the data so it can be checked after the process is gone.
 */
describe.skipIf(!availableBackends().includes('postgres'))('stopping under load', { timeout: 120_000 }, () => {
  let sim: UpstreamSimulator;
  let db: Database & { url: string | undefined };
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startUpstreamSimulator();
    db = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'keyplane-lifecycle-'));
    env = serverProcessEnv({
      simulatorEnv: sim.env(),
      platformKey: PLATFORM_KEY,
      databaseUrl: db.url as string,
      dataDir,
      adminToken: TOKEN,
    });
  });

  afterAll(async () => {
    await db?.close();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tenant = (url: string) => createCreditsTenant(url, TOKEN);

  /** Requests in waves until `stop` says so; each remembers when its answer was complete. */
  function load(url: string, key: string, stop: () => boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const worker = async (n: number) => {
      while (!stop()) {
        const outcome: Outcome = { requestId: null, completedAt: null };
        outcomes.push(outcome);
        try {
          const stream = n % 2 === 0;
          const response = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] }),
          });
          const body = await response.text();
          const complete = response.status === 200 && (!stream || body.includes('data: [DONE]'));
          if (complete) {
            outcome.requestId = response.headers.get('x-keyplane-request-id');
            outcome.completedAt = Date.now();
          }
        } catch {
          // refused or cut: not a completed request
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    return Promise.all(Array.from({ length: 8 }, (_, n) => worker(n))).then(() => outcomes);
  }

  it('SIGTERM: finishes requests in flight, records every completed one, exits 0', async () => {
    const server = await startServerProcess(env);
    const { org, key } = await tenant(server.url);
    // Slow streams, so some are mid-answer when the signal arrives.
    sim.setKeyBehavior(PLATFORM_KEY, { kind: 'slow', chunkDelayMs: 40 });
    let exited = false;
    const outcomesPromise = load(server.url, key, () => exited);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    server.child.kill('SIGTERM');
    const code = await server.exited;
    exited = true;
    const outcomes = await outcomesPromise;
    sim.clearKeyBehaviors();
    expect(code).toBe(0);
    const completed = outcomes.filter((o) => o.requestId).map((o) => o.requestId as string);
    expect(completed.length).toBeGreaterThan(10);
    const recorded = await db.prisma.usageRecord.findMany({
      where: { requestId: { in: completed } },
      select: { requestId: true, status: true },
    });
    expect(recorded).toHaveLength(completed.length);
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: org } });
    expect(organization.creditReserved.toNumber()).toBe(0);
    expect(await db.prisma.reservation.count({ where: { organizationId: org } })).toBe(0);
  });

  it('SIGKILL: loses at most the last second of settlements; holds come back after the TTL', async () => {
    const server = await startServerProcess(env);
    const { org, key } = await tenant(server.url);
    let killed = false;
    const outcomesPromise = load(server.url, key, () => killed);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const killedAt = Date.now();
    server.child.kill('SIGKILL');
    await server.exited;
    killed = true;
    const outcomes = await outcomesPromise;
    const settledBefore = outcomes
      .filter((o) => o.requestId && (o.completedAt as number) < killedAt - 1_000)
      .map((o) => o.requestId as string);
    expect(settledBefore.length).toBeGreaterThan(5);
    const recorded = await db.prisma.usageRecord.count({ where: { requestId: { in: settledBefore } } });
    expect(recorded).toBe(settledBefore.length);

    // A restarted instance releases the holds the killed one left behind.
    const restarted = await startServerProcess({ ...env, RESERVATION_TTL_MS: '1000' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // The sweeper runs at start-up and every minute; the start-up pass may have been too early.
      const { releaseExpiredReservations } = await import('../../server/gateway/billing/reservation-sweeper.js');
      await releaseExpiredReservations(db.prisma, 1_000);
      const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: org } });
      expect(organization.creditReserved.toNumber()).toBe(0);
      // Σ ledger = balance: what the killed process debited is consistent with what it recorded.
      const ledger = await db.prisma.creditLedgerEntry.aggregate({ where: { organizationId: org }, _sum: { amountUsd: true } });
      expect(ledger._sum.amountUsd?.toFixed(12)).toBe(organization.creditBalance.toFixed(12));
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
