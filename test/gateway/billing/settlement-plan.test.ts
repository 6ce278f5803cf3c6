import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { hotPathSessionUrl } from '../../../server/db/postgres-session.js';
import { BillingStore } from '../../../server/gateway/billing/billing-store.js';
import { settlementRow } from '../../../server/gateway/billing/settlement-row.js';
import { SETTLE_BATCH, settlementBatchJson } from '../../../server/gateway/billing/settlement-sql.js';
import { type BillingTenant, seedBillingTenant, testIntent } from '../../support/billing-fixtures.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

/**
 * The settlement batch is a prepared statement: PostgreSQL plans it once, generically, in the
 * gateway's first seconds, while "UsageIntent" holds a handful of rows. That plan is kept while
 * every request inserts and deletes an intent and the table grows by thousands of pages of dead
 * rows between autovacuum passes. A plan that reached the batch's intents by scanning the table
 * read every one of those pages in every batch, so the intents must be reached by key.
 */
describe.skipIf(!availableBackends().includes('postgres'))('settlement batch plan on PostgreSQL', () => {
  let db: Database & { url: string | undefined };
  let tenant: BillingTenant;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    tenant = await seedBillingTenant(db);
    // A session as the hot path opens them (direct-sql.ts).
    client = new pg.Client({ connectionString: hotPathSessionUrl(db.url as string) });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.close();
  });

  it('opens the hot path sessions that run it without sequential scans', async () => {
    const [direct] = await db.direct.query<{ enable_seqscan: string }>({ name: 'show_seqscan', text: 'SHOW enable_seqscan' }, []);
    expect(direct?.enable_seqscan).toBe('off');
  });

  it('finds the batch intents by key in the generic plan chosen while the table is small', async () => {
    const store = new BillingStore(db.prisma);
    const requestIds = [randomUUID(), randomUUID(), randomUUID()];
    await store.writeIntents(
      'instance-plan',
      requestIds.map((id) => testIntent(tenant, id)),
    );
    await client.query('ANALYZE "UsageIntent"');
    // The plan the gateway's session settles on after its first executions, forced at once.
    await client.query('SET plan_cache_mode = force_generic_plan');
    await client.query(`PREPARE settle_batch(text) AS ${SETTLE_BATCH.text}`);
    const batch = settlementBatchJson(
      requestIds.map((requestId) =>
        settlementRow({ requestId, ...tenant, model: 'gpt-4o-mini', status: 'SUCCESS', httpStatus: 200, latencyMs: 1 }),
      ),
    );
    const { rows } = await client.query(`EXPLAIN (COSTS OFF) EXECUTE settle_batch(${client.escapeLiteral(batch)})`);
    const plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
    // By key: an index scan with a condition on the batch's ids, not a scan of the table or of its whole index.
    expect(plan).toMatch(/Index (Only )?Scan using "UsageIntent_pkey" on "UsageIntent" u\s+Index Cond: \("requestId" = ANY/);
    expect(plan).not.toMatch(/Seq Scan on "UsageIntent"/);

    // And the statement still does its work: the three intents go with their records.
    const settled = await client.query(`EXECUTE settle_batch(${client.escapeLiteral(batch)})`);
    expect(settled.rows[0]).toMatchObject({ inserted: 3 });
    const left = await client.query('SELECT count(*)::int AS n FROM "UsageIntent" WHERE "requestId" = ANY($1)', [requestIds]);
    expect(left.rows[0].n).toBe(0);
  });
});
