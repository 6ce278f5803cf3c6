import { describe, expect, it } from 'vitest';
import { type Column, jsonBatch } from '../../../server/gateway/billing/json-batch.js';

interface Row {
  id: string;
  count: number | null;
  flag?: boolean;
  prices: Record<string, unknown> | null;
}

const COLUMNS: readonly Column<Row>[] = [
  ['id', 'text', null, (r) => r.id],
  ['count', 'int', null, (r) => r.count],
  ['flag', 'boolean', null, (r) => r.flag],
  ['prices', 'jsonb', null, (r) => r.prices],
];

describe('jsonBatch', () => {
  it('writes one JSON object per row with every column, null for what is missing, hostile text escaped', () => {
    const rows: Row[] = [
      { id: `a"b\\c'); DROP TABLE "UsageRecord"; --\n\u2028ü`, count: 3, flag: true, prices: { input: '0.1', nested: [1, 'x'] } },
      { id: 'second', count: null, prices: null },
      { id: 'third', count: Number.NaN, flag: false, prices: { n: Number.POSITIVE_INFINITY } },
    ];
    const json = jsonBatch(COLUMNS, rows);
    expect(JSON.parse(json)).toEqual([
      { id: rows[0]?.id, count: 3, flag: true, prices: { input: '0.1', nested: [1, 'x'] } },
      { id: 'second', count: null, flag: null, prices: null },
      // As JSON.stringify writes them: a non-finite number is null.
      { id: 'third', count: null, flag: false, prices: { n: null } },
    ]);
    // Members in column order: json_to_recordset reads them by name, people read them in order.
    expect(Object.keys(JSON.parse(json)[1])).toEqual(['id', 'count', 'flag', 'prices']);
  });

  it('writes every string exactly as JSON.stringify does: escapes, control characters, surrogates paired and lone', () => {
    const strings = [
      'plain-id_01',
      '',
      'quote"',
      'back\\slash',
      'tab\tnew\nline',
      '\u0000\u001f\u007f',
      'ü€😀',
      'lone\ud800',
      'lone\udfff end',
      '\u2028\u2029',
    ];
    for (const id of strings)
      expect(jsonBatch(COLUMNS, [{ id, count: 0, prices: null }]), JSON.stringify(id)).toBe(
        `[{"id":${JSON.stringify(id)},"count":0,"flag":null,"prices":null}]`,
      );
  });

  it('writes an empty batch as an empty array, and the same text for the same rows every time', () => {
    expect(jsonBatch(COLUMNS, [])).toBe('[]');
    const rows: Row[] = [{ id: 'x', count: 1, flag: false, prices: {} }];
    expect(jsonBatch(COLUMNS, rows)).toBe('[{"id":"x","count":1,"flag":false,"prices":{}}]');
    expect(jsonBatch(COLUMNS, rows)).toBe(jsonBatch(COLUMNS, rows));
  });
});
