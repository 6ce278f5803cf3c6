import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/test-database.js';
import { chat, createTenant, fakeKey, type GatewayEnv, sleep, startGatewayEnv, type Tenant, usageOf } from './support/tenant.js';

/** Advisory lock a test trigger makes every intent insert wait for. */
const GATE = 7307;

/**
 * On PostgreSQL the upstream call waits only until the write-ahead intent's statement is sent,
 * and the settlement (which deletes the intent) only after it commits. The test holds every
 * intent insert at a trigger: the answers must arrive while their intents are still waiting,
 * and no usage record may be written before the intent is; once released, each request has its
 * record and no intent is left behind.
 */
describe.skipIf(!availableBackends().includes('postgres'))('write-ahead intent overlapping the upstream call (postgres)', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  beforeAll(async () => {
    g = await startGatewayEnv('postgres', { OPENAI_API_KEY: fakeKey('openai') });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const prisma = g.t.server.db.prisma;
    await prisma.$executeRawUnsafe(
      `CREATE FUNCTION test_intent_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(${GATE}); RETURN NEW; END $$`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER test_intent_gate BEFORE INSERT ON "UsageIntent" FOR EACH ROW EXECUTE FUNCTION test_intent_gate()`,
    );
  });
  afterAll(() => g?.close());

  /** Hold the gate in a transaction of its own until `release` is called. */
  async function closeGate(): Promise<{ release: () => Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const transaction = g.t.server.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${GATE})::text`);
        held();
        await released;
      },
      { timeout: 30_000 },
    );
    await holding;
    return {
      release: async () => {
        release();
        await transaction;
      },
    };
  }

  const within = <T>(ms: number, what: string, promise: Promise<T>) =>
    Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`${what} took over ${ms} ms`)))]);

  it('answers before the intent commits, and settles only after it', { timeout: 30_000 }, async () => {
    const gate = await closeGate();
    const [plain, streamed] = await within(
      5_000,
      'answering with the intents held',
      Promise.all([chat(g.t, tenant.secret, { model: 'gpt-4o-mini' }), chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream: true })]),
    );
    expect(plain.status, plain.text).toBe(200);
    expect(streamed.status, streamed.text).toBe(200);
    const ids = [plain.requestId, streamed.requestId];
    const prisma = g.t.server.db.prisma;

    // Well past the writer's 100 ms batching: had the settlements not waited, they would be written.
    await sleep(400);
    await g.t.server.gateway.writer.flush();
    expect(await prisma.usageRecord.count({ where: { requestId: { in: ids } } })).toBe(0);
    expect(g.t.server.gateway.writer.pending).toBe(0);

    await gate.release();
    for (const id of ids) expect((await usageOf(g.t, id)).status).toBe('SUCCESS');
    expect(await prisma.usageIntent.count({ where: { requestId: { in: ids } } })).toBe(0);
  });
});
