/**
 * Batches sent as one JSON parameter and read back with json_to_recordset: one text parameter
 * the driver serialises natively, where a parameter per column cost it an array escape per
 * value. Used by the settlement batch and the write-ahead intent insert.
 */

/** A column of a batch: its name, its type in json_to_recordset, its cast on insert, and its value in a row. */
export type Column<Row> = readonly [name: string, type: string, cast: string | null, value: (row: Row) => unknown];

/** A quoted SQL identifier (column names are the schema's own, never input). */
export const q = (name: string) => `"${name}"`;

/**
 * The batch as JSON text: an array of rows, one member per column (null for a missing value).
 * Written as text column by column: an object per row with 40-odd members added one by one is
 * a slow dictionary object, and building it cost more than the JSON itself.
 */
export function jsonBatch<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const keys = memberPrefixes(columns);
  let json = '[';
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as Row;
    json += r === 0 ? '{' : ',{';
    for (let c = 0; c < columns.length; c += 1) {
      json += keys[c];
      json += jsonValue((columns[c] as Column<Row>)[3](row));
    }
    json += '}';
  }
  return `${json}]`;
}

/** What JSON.stringify escapes in a string (quote, backslash, control characters, lone surrogates), or any surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON must escape.
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * One value as JSON, as JSON.stringify writes it (undefined as null), without its call for the
 * common scalars: most strings are ids, names and decimals, quoted as they are.
 */
function jsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value);
}

const prefixes = new WeakMap<readonly Column<never>[], readonly string[]>();

/** `"id":`, `,"requestId":`, …: what precedes each column's value in a row, computed once per column list. */
function memberPrefixes<Row>(columns: readonly Column<Row>[]): readonly string[] {
  let keys = prefixes.get(columns);
  if (!keys) {
    keys = columns.map(([name], index) => `${index === 0 ? '' : ','}${JSON.stringify(name)}:`);
    prefixes.set(columns, keys);
  }
  return keys;
}

/** json_to_recordset's column definition list: `"requestId" text, "inputTokens" int, …`. */
export function recordsetColumns<Row>(columns: readonly Column<Row>[]): string {
  return columns.map(([name, type]) => `${q(name)} ${type}`).join(', ');
}
