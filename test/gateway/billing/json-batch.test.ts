import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { batchRows, type Column, jsonBatch, positionalRows, storableJson } from '../../../server/gateway/billing/json-batch.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

interface Row {
  id: string;
  count: number | null;
  flag?: boolean;
  prices: Record<string, unknown> | null;
  names: string[];
}

const COLUMNS: readonly Column<Row>[] = [
  ['id', 'text', null, (r) => r.id],
  ['count', 'int', null, (r) => r.count],
  ['flag', 'boolean', null, (r) => r.flag],
  ['prices', 'jsonb', null, (r) => r.prices],
  ['names', 'text[]', null, (r) => r.names],
];

const HOSTILE = `a"b\\c'); DROP TABLE "UsageRecord"; --\n\u2028ü\u0000 lone\ud800 😀 \\u0000`;
/** What the database can hold of it: NUL and the unpaired surrogate replaced, the rest as typed. */
const STORED = HOSTILE.replace('\u0000', '\ufffd').replace('\ud800', '\ufffd');

const ROWS: Row[] = [
  { id: HOSTILE, count: 3, flag: true, prices: { input: '0.1', nested: [1, 'x'] }, names: ['team:a', HOSTILE] },
  { id: 'second', count: null, prices: null, names: [] },
  { id: 'third', count: Number.NaN, flag: false, prices: { n: Number.POSITIVE_INFINITY }, names: ['x'] },
];

describe('jsonBatch', () => {
  it('writes one array per row, values in column order, as JSON.stringify writes them (missing and non-finite as null)', () => {
    expect(JSON.parse(jsonBatch(COLUMNS, ROWS))).toEqual([
      [STORED, 3, true, { input: '0.1', nested: [1, 'x'] }, ['team:a', STORED]],
      ['second', null, null, null, []],
      ['third', null, false, { n: null }, ['x']],
    ]);
    expect(jsonBatch(COLUMNS, ROWS)).toBe(
      storableJson(JSON.stringify(ROWS.map((r) => [r.id, r.count, r.flag ?? null, r.prices, r.names]))),
    );
    expect(jsonBatch(COLUMNS, [])).toBe('[]');
  });

  it('makes NUL and unpaired surrogates storable, leaving pairs, other control characters and typed backslashes alone', () => {
    const cases: [string, string][] = [
      ['a\u0000b', 'a\ufffdb'],
      ['x\ud800y lo\udc00w', 'x\ufffdy lo\ufffdw'],
      ['\ud83d\ude00 ok \u0001', '\ud83d\ude00 ok \u0001'],
      ['typed \\u0000 and \\\\u0000', 'typed \\u0000 and \\\\u0000'],
      ['backslash then NUL \\\u0000', 'backslash then NUL \\\ufffd'],
    ];
    for (const [text, stored] of cases) expect(JSON.parse(storableJson(JSON.stringify({ text })))).toEqual({ text: stored });
    const clean = JSON.stringify({ text: 'nothing to do' });
    expect(storableJson(clean)).toBe(clean);
  });

  it('turns rows written as objects (an earlier version, e.g. in a journal) into positions, and leaves arrays alone', () => {
    const asObject = { names: ['n'], id: 'old', prices: { a: 1 }, count: 2 };
    expect(positionalRows(COLUMNS, [asObject, ['new', 1, true, null, []]])).toEqual([
      ['old', 2, null, { a: 1 }, ['n']],
      ['new', 1, true, null, []],
    ]);
  });
});

/** batchRows is SQL: what each database reads back from what jsonBatch wrote. */
describe.each(availableBackends())('batchRows on %s', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reads every column by position as its type, hostile text intact, JSON null as SQL NULL, with the row order as seq', async () => {
    const read = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM (${batchRows('$1', COLUMNS, { seq: true })}) AS t ORDER BY seq`,
      jsonBatch(COLUMNS, [ROWS[0] as Row, ROWS[1] as Row]),
    );
    expect(read.map(({ seq, ...row }) => [Number(seq), row])).toEqual([
      [1, { id: STORED, count: 3, flag: true, prices: { input: '0.1', nested: [1, 'x'] }, names: ['team:a', STORED] }],
      [2, { id: 'second', count: null, flag: null, prices: null, names: [] }],
    ]);
  });

  it('reads a batch without seq, and an empty batch as no rows', async () => {
    const sql = `SELECT count(*)::int AS n, sum("count")::int AS total FROM (${batchRows('$1', COLUMNS)}) AS t`;
    expect(await db.prisma.$queryRawUnsafe(sql, jsonBatch(COLUMNS, ROWS))).toEqual([{ n: 3, total: 3 }]);
    expect(await db.prisma.$queryRawUnsafe(sql, jsonBatch(COLUMNS, []))).toEqual([{ n: 0, total: null }]);
  });
});
