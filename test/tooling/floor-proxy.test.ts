import pg from 'pg';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatBody } from '../../bench/load.js';
import { cleanupAll } from '../../bench/processes.js';
import { PLATFORM_KEY, startFloorProxy, startSimulator } from '../../bench/servers.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

const ready = availableBackends().includes('postgres');

/** The bench's floor must do the work it claims, or its numbers prove nothing. */
describe.skipIf(!ready)('bench floor proxy: the least work keyplane’s guarantees require', { timeout: 60_000 }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let floorUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', { empty: true });
    const simulator = await startSimulator();
    floorUrl = (await startFloorProxy(simulator.openaiBase, database.url ?? '')).url;
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await cleanupAll();
    await database?.close();
  });

  const call = (stream: boolean, key = PLATFORM_KEY) =>
    request(`${floorUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: chatBody(stream),
    }).then(async (res) => ({ status: res.statusCode, text: await res.body.text() }));

  it('answers as the upstream did, and settles each request once from its usage: intent gone, balance debited', async () => {
    const answers = await Promise.all([...Array.from({ length: 20 }, () => call(false)), ...Array.from({ length: 20 }, () => call(true))]);
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
    expect(JSON.parse(answers[0]?.text ?? '').usage.prompt_tokens).toBeGreaterThan(0);
    expect(answers[39]?.text).toContain('data: [DONE]');

    const deadline = Date.now() + 5_000;
    let settled = 0;
    while (settled < 40 && Date.now() < deadline) {
      settled = Number((await client.query('SELECT count(*) FROM floor.usage')).rows[0].count);
      if (settled < 40) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const usage = await client.query('SELECT input_tokens, output_tokens, cost FROM floor.usage');
    expect(usage.rows).toHaveLength(40);
    // Streams asked upstream for usage: every row is billed from the provider's counts.
    for (const row of usage.rows) expect(row.input_tokens > 0 && row.output_tokens > 0, JSON.stringify(row)).toBe(true);
    const totals = await client.query(
      `SELECT (SELECT count(*) FROM floor.intent)::int AS intents, (SELECT sum(cost) FROM floor.usage)::text AS billed,
        (SELECT 1000000 - balance FROM floor.balance)::text AS debited`,
    );
    expect(totals.rows[0].intents).toBe(0);
    expect(Number(totals.rows[0].billed)).toBeGreaterThan(0);
    expect(totals.rows[0].debited).toBe(totals.rows[0].billed);
  });

  it('refuses an unknown key before writing anything', async () => {
    const before = Number((await client.query('SELECT count(*) FROM floor.intent')).rows[0].count);
    const answer = await call(false, 'sk-someone-else');
    expect(answer.status).toBe(401);
    expect(Number((await client.query('SELECT count(*) FROM floor.intent')).rows[0].count)).toBe(before);
  });
});
