import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../../server/db/database.js';
import type { ClaimedDelivery } from '../../../server/domain/webhooks/alert-outbox.js';
import { WebhookDispatcher } from '../../../server/domain/webhooks/webhook-dispatcher.js';
import { createLogger } from '../../../server/observability/logger.js';
import { createMetrics } from '../../../server/observability/metrics.js';
import { generateEncryptionKey, KeyRing } from '../../../server/secrets/key-ring.js';
import { type LoopbackServer, startLoopbackServer } from '../../support/loopback-server.js';

const OPENAI_KEY = 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Finished {
  id: string;
  statusCode: number | null;
  response: string | null;
}

/**
 * The outbox's SQL, faked: `claimDue` hands out the queued deliveries in order, `finish` records
 * the outcome. The dispatcher's reading and scheduling are what these tests are about.
 */
function fakeOutbox(deliveries: ClaimedDelivery[]) {
  const queue = [...deliveries];
  const finished: Finished[] = [];
  const prisma = {
    $queryRaw: async (strings: TemplateStringsArray, ...values: unknown[]) =>
      strings.join('?').includes('WITH due AS') ? queue.splice(0, values[0] as number) : [],
    $executeRaw: async (_: TemplateStringsArray, ...values: unknown[]) => {
      // finish(): status, statusCode, response, retry seconds, status, id, attempts
      finished.push({ statusCode: values[1] as number | null, response: values[2] as string | null, id: values[5] as string });
      return 1;
    },
  } as unknown as PrismaClient;
  return { prisma, finished };
}

describe('webhook dispatcher', () => {
  let server: LoopbackServer;
  const keyRing = KeyRing.fromEnv(generateEncryptionKey());
  const hanging: ServerResponse[] = [];
  /** Bytes each endless answer got out before the dispatcher hung up, by path. */
  const sent = new Map<string, { bytes: number; closed: Promise<void> }>();

  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      req.resume();
      const path = req.url ?? '';
      if (path === '/hang') {
        hanging.push(res); // answers only when the test says so
        return;
      }
      if (path.startsWith('/endless')) {
        // A key around the log's 500-character cut, then key-like characters without end.
        const record = { bytes: 0, closed: new Promise<void>((resolve) => res.once('close', () => resolve())) };
        sent.set(path, record);
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.write(`${' '.repeat(490)}${OPENAI_KEY} `);
        const fill = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && res.write(fill)) record.bytes += fill.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      res.writeHead(200).end('ok');
    });
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await server?.close();
  });

  let next = 0;
  const delivery = (path: string): ClaimedDelivery => ({
    id: `d${++next}-${path}`,
    attempts: 1,
    url: `${server.url}${path}`,
    ...keyRing.seal('whsec_test'),
    eventId: `e${next}`,
    type: 'credits.low',
    organizationId: 'org',
    data: {},
    createdAt: new Date(),
  });
  const dispatcher = (prisma: PrismaClient, options: { batchSize?: number; timeoutMs?: number } = {}) =>
    new WebhookDispatcher(prisma, keyRing, createLogger({ level: 'silent' }), createMetrics(), {
      intervalMs: 20,
      retryBaseMs: 1_000,
      allowPrivate: true,
      ...options,
    });

  it("reads only the start of a receiver's endless answer, scrubs it fast, and logs 500 characters", async () => {
    const { prisma, finished } = fakeOutbox([delivery('/endless')]);
    const webhooks = dispatcher(prisma);
    const start = performance.now();
    expect(await webhooks.runOnce()).toBe(1);
    const ms = performance.now() - start;
    await webhooks.stop();
    const [outcome] = finished;
    expect(outcome?.statusCode).toBe(500);
    // The read stopped inside the run of `a`s, which could be a key cut in half: it is dropped whole.
    expect(outcome?.response).toBe(`${' '.repeat(490)}[redacted]…`);
    expect(outcome?.response).not.toContain('Ab12');
    // Before, the dispatcher drained the whole answer and scrubbed a 64 KB chunk (seconds of regex).
    const endless = sent.get('/endless');
    await endless?.closed;
    expect(endless?.bytes).toBeLessThan(16 * 1024 * 1024);
    expect(ms).toBeLessThan(2_000);
  });

  it("does not wait for one receiver's hanging answer before claiming more deliveries", async () => {
    const { prisma, finished } = fakeOutbox([delivery('/hang'), delivery('/fast'), delivery('/fast'), delivery('/fast')]);
    const webhooks = dispatcher(prisma, { batchSize: 2, timeoutMs: 5_000 });
    webhooks.start();
    try {
      for (let waited = 0; finished.length < 3 && waited < 3_000; waited += 20) await sleep(20);
      // Every fast delivery is done while the hanging one still holds its slot (the old
      // dispatcher claimed the second batch only once the whole first batch had ended).
      expect(finished.map((outcome) => outcome.id.split('-')[1])).toEqual(['/fast', '/fast', '/fast']);
      expect(hanging).toHaveLength(1);
    } finally {
      for (const res of hanging) res.writeHead(200).end('late');
      await webhooks.stop();
    }
    expect(finished).toHaveLength(4);
  });
});
