/**
 * Batches sent as one JSON parameter and read back with json_to_recordset: one text parameter
 * the driver serialises natively, where a parameter per column cost it an array escape per
 * value. Used by the settlement batch and the write-ahead intent insert.
 */

/** A column of a batch: its name, its type in json_to_recordset, its cast on insert, and its value in a row. */
export type Column<Row> = readonly [name: string, type: string, cast: string | null, value: (row: Row) => unknown];

/** A quoted SQL identifier (column names are the schema's own, never input). */
export const q = (name: string) => `"${name}"`;

/** The batch as JSON text: an array of rows, one member per column. */
export function jsonBatch<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  return JSON.stringify(
    rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const [name, , , value] of columns) record[name] = value(row);
      return record;
    }),
  );
}

/** json_to_recordset's column definition list: `"requestId" text, "inputTokens" int, …`. */
export function recordsetColumns<Row>(columns: readonly Column<Row>[]): string {
  return columns.map(([name, type]) => `${q(name)} ${type}`).join(', ');
}
