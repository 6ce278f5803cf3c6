import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { BillingStore } from '../../../server/gateway/billing/billing-store.js';
import { IntentFile } from '../../../server/gateway/billing/intent-file.js';
import { IntentJournal } from '../../../server/gateway/billing/intent-journal.js';
import { settlementRow } from '../../../server/gateway/billing/settlement-row.js';
import { SettlementWriter } from '../../../server/gateway/billing/settlement-writer.js';
import { INTENT_COLUMNS } from '../../../server/gateway/billing/usage-intent-sql.js';
import { createLogger } from '../../../server/observability/logger.js';
import { type BillingTenant, seedBillingTenant, testIntent } from '../../support/billing-fixtures.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

const logger = createLogger({ level: 'silent' });

/** The embedded database's write-ahead journal file, against the real recovery statements. */
describe.each(availableBackends())('intent journal file on %s', (backend) => {
  let db: Database;
  let store: BillingStore;
  const dirs: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(backend);
    store = new BillingStore(db.prisma, db.direct);
  });
  afterAll(async () => {
    await db?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const journalDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-intents-'));
    dirs.push(dir);
    return dir;
  };

  const tenant = () => seedBillingTenant(db);
  const HOSTILE_MODEL = `gpt-4o-mini "quoted" \\ '; DROP TABLE "UsageRecord"; --`;
  const intent = (t: BillingTenant, requestId: string) => testIntent(t, requestId, { model: HOSTILE_MODEL });

  const settle = (t: BillingTenant, requestId: string) =>
    settlementRow({ ...t, requestId, model: 'gpt-4o-mini', status: 'SUCCESS', httpStatus: 200, latencyMs: 5, billedCostPico: 40_000_000n });

  it('after a kill, a restart records every intent that never settled, once, and nothing that did', async () => {
    const t = await tenant();
    const dir = journalDir();
    // The first process: five intents on file, two of them settle, then it dies (nothing is closed).
    const first = new IntentFile(dir, store, logger);
    const writer = new SettlementWriter(store, logger, { onSettled: (ids) => first.settled(ids) });
    const ids = Array.from({ length: 5 }, (_, i) => `${t.organizationId}-${i}`);
    await first.writeIntents(
      'instance-1',
      ids.slice(0, 3).map((id) => intent(t, id)),
    );
    await first.writeIntents(
      'instance-1',
      ids.slice(3).map((id) => intent(t, id)),
    );
    expect(await db.prisma.usageIntent.count({ where: { organizationId: t.organizationId } })).toBe(0);
    writer.enqueue(settle(t, ids[0] as string));
    writer.enqueue(settle(t, ids[3] as string));
    await writer.flush();
    // A kill mid-write leaves half a line: skipped, the lines before it are kept.
    const [file] = readdirSync(dir);
    appendFileSync(join(dir, file as string), '[{"requestId":"torn');

    // The restarted process replays the file and recovers the rest like a dead instance's intents.
    const second = new IntentFile(dir, store, logger);
    const journal = new IntentJournal(second, logger, 'instance-2', { deadAfterMs: 60_000 });
    expect(await journal.recover()).toBe(3);
    const records = await db.prisma.usageRecord.findMany({ where: { organizationId: t.organizationId }, orderBy: { requestId: 'asc' } });
    expect(records.map((r) => [r.requestId, r.status, r.failureClass])).toEqual([
      [ids[0], 'SUCCESS', null],
      [ids[1], 'FAILED', 'STREAM_INTERRUPTED'],
      [ids[2], 'FAILED', 'STREAM_INTERRUPTED'],
      [ids[3], 'SUCCESS', null],
      [ids[4], 'FAILED', 'STREAM_INTERRUPTED'],
    ]);
    const recovered = records.find((r) => r.requestId === ids[1]);
    expect(recovered?.model).toBe(intent(t, 'x').model);
    expect(recovered?.billedCostUsd.toFixed(12)).toBe('0.000027000000');
    // Σ billed = −Σ debits: two settled at 0.00004 each, three recovered at their estimate.
    const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: t.organizationId } });
    expect(organization.creditBalance.toFixed(12)).toBe('9.999919000000');
    // The old file is gone; recovering again records nothing more.
    expect(readdirSync(dir)).toEqual([]);
    expect(await journal.recover()).toBe(0);
    expect(await db.prisma.usageIntent.count({ where: { organizationId: t.organizationId } })).toBe(0);
    await second.retireInstance('instance-2');
  });

  it('recovers a journal line the earlier version wrote, rows as objects, beside lines of this one', async () => {
    const t = await tenant();
    const dir = journalDir();
    const first = new IntentFile(dir, store, logger);
    const [current, earlier] = [`${t.organizationId}-current`, `${t.organizationId}-earlier`];
    await first.writeIntents('instance-1', [intent(t, current)]);
    // As the earlier version wrote a batch: one object per row, a member per column by name.
    const asObject = Object.fromEntries(INTENT_COLUMNS.map(([name, , , value]) => [name, value(intent(t, earlier)) ?? null]));
    const [file] = readdirSync(dir);
    appendFileSync(join(dir, file as string), `${JSON.stringify([asObject])}\n`);

    const second = new IntentFile(dir, store, logger);
    const journal = new IntentJournal(second, logger, 'instance-2', { deadAfterMs: 60_000 });
    expect(await journal.recover()).toBe(2);
    const records = await db.prisma.usageRecord.findMany({ where: { organizationId: t.organizationId }, orderBy: { requestId: 'asc' } });
    expect(records.map((r) => [r.requestId, r.status, r.model, r.billedCostUsd.toFixed(12)])).toEqual([
      [current, 'FAILED', HOSTILE_MODEL, '0.000027000000'],
      [earlier, 'FAILED', HOSTILE_MODEL, '0.000027000000'],
    ]);
    await second.retireInstance('instance-2');
  });

  it('a full file goes once its last intent settles; a clean stop leaves no file with nothing outstanding', async () => {
    const t = await tenant();
    const dir = journalDir();
    const journalFile = new IntentFile(dir, store, logger, { rotateBytes: 1 });
    const ids = Array.from({ length: 3 }, (_, i) => `${t.organizationId}-r${i}`);
    for (const id of ids) await journalFile.writeIntents('instance-r', [intent(t, id)]);
    // Each write found the file before it full: three files, the last one current.
    expect(readdirSync(dir)).toHaveLength(3);
    const oldest = readdirSync(dir).sort()[0] as string;
    expect(readFileSync(join(dir, oldest), 'utf8')).toContain(ids[0]);
    journalFile.settled([ids[0] as string]);
    expect(readdirSync(dir)).toHaveLength(2);
    // Unknown and repeated ids change nothing.
    journalFile.settled([ids[0] as string, 'never-written']);
    expect(readdirSync(dir)).toHaveLength(2);
    journalFile.settled([ids[1] as string, ids[2] as string]);
    // The current file stays open until it is full or the process stops.
    expect(readdirSync(dir)).toHaveLength(1);
    await journalFile.retireInstance('instance-r');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a clean stop with intents outstanding keeps their file for the next start', async () => {
    const t = await tenant();
    const dir = journalDir();
    const first = new IntentFile(dir, store, logger);
    await first.writeIntents('instance-k', [intent(t, `${t.organizationId}-k`)]);
    await first.retireInstance('instance-k');
    expect(readdirSync(dir)).toHaveLength(1);
    const second = new IntentFile(dir, store, logger);
    expect(await new IntentJournal(second, logger, 'instance-k2').recover()).toBe(1);
    expect(await db.prisma.usageRecord.count({ where: { organizationId: t.organizationId } })).toBe(1);
    await second.retireInstance('instance-k2');
  });
});
