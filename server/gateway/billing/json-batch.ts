/**
 * Batches sent as one JSON parameter: an array of rows, each the columns' values in column
 * order, read back by position from jsonb. One text parameter the driver serialises natively,
 * where a parameter per column cost it an array escape per value; rows as arrays because
 * JSON.stringify writes them natively, where rows as objects had to be written member by member
 * here, and because PostgreSQL reads positions from jsonb in half the time json_to_recordset
 * takes to match 40-odd member names per row (31 → 14 ms per 500-row settlement batch). Used by
 * the settlement batch and the write-ahead intent insert.
 */

/** A column of a batch: its name, its SQL type when read back, its cast on insert, and its value in a row. */
export type Column<Row> = readonly [name: string, type: string, cast: string | null, value: (row: Row) => unknown];

/** A quoted SQL identifier (column names are the schema's own, never input). */
export const q = (name: string) => `"${name}"`;

/**
 * The batch as JSON text PostgreSQL accepts: one array per row, one member per column (null for
 * a missing value, as JSON.stringify writes undefined), text made storable (`storableJson`).
 */
export function jsonBatch<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const batch: unknown[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as Row;
    const values: unknown[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c += 1) values[c] = (columns[c] as Column<Row>)[3](row);
    batch[r] = values;
  }
  return batchText(batch);
}

/** Rows already in column order (arrays) as the JSON text a batch parameter takes: what jsonBatch writes. */
export function batchText(rows: readonly unknown[]): string {
  return storableJson(JSON.stringify(rows));
}

/**
 * NUL and unpaired surrogates, as JSON.stringify escapes them (it writes paired surrogates as
 * they are): PostgreSQL refuses both in JSON it reads as text. The lookbehind and the pairs of
 * backslashes keep an escaped backslash followed by "u0000" (text the tenant typed) as it is.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * JSON text with every NUL and unpaired surrogate replaced by U+FFFD. A batch carries many
 * tenants' rows and fails as a whole: one model name, end user or upstream error text with a NUL
 * in it would otherwise stop every tenant's usage records behind it, retried forever.
 */
export function storableJson(json: string): string {
  return json.includes('\\u') ? json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : json;
}

/**
 * The batch in `parameter` as a table: `SELECT <each column by position, as its type>
 * FROM jsonb_array_elements(…)`, with the row's position as `seq` when asked. A JSON null is
 * SQL NULL in every column, `jsonb` ones included; `text[]` columns hold JSON arrays of text.
 */
export function batchRows<Row>(parameter: string, columns: readonly Column<Row>[], options: { seq?: boolean } = {}): string {
  const values = columns.map(([name, type], index) => `${valueAt(index, type)} AS ${q(name)}`).join(', ');
  return options.seq
    ? `SELECT ${values}, b.seq FROM jsonb_array_elements(${parameter}::jsonb) WITH ORDINALITY AS b(r, seq)`
    : `SELECT ${values} FROM jsonb_array_elements(${parameter}::jsonb) AS b(r)`;
}

function valueAt(index: number, type: string): string {
  if (type === 'jsonb') return `NULLIF(b.r->${index}, 'null'::jsonb)`;
  if (type.endsWith('[]'))
    return `CASE WHEN jsonb_typeof(b.r->${index}) = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(b.r->${index}))::${type} END`;
  return `(b.r->>${index})::${type}`;
}

/**
 * Rows of a batch written as objects (one member per column, by name), as batches were written
 * before they were arrays: the embedded database's intent journal may hold such lines from a
 * process that ran the earlier version. Rows already arrays are returned as they are.
 */
export function positionalRows<Row>(columns: readonly Column<Row>[], rows: readonly unknown[]): unknown[] {
  return rows.map((row) =>
    row !== null && typeof row === 'object' && !Array.isArray(row)
      ? columns.map(([name]) => (row as Record<string, unknown>)[name] ?? null)
      : row,
  );
}
