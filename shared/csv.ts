/**
 * CSV (RFC 4180) from rows and column definitions, for the dashboard's exports and the server's
 * statement download alike: what a table shows is what the file holds.
 */
export interface CsvColumn<Row> {
  header: string;
  value(row: Row): string | number | null | undefined;
}

/** Text a spreadsheet would run as a formula: =, +, -, @, or a leading tab or carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number ("-0.0042") starts with "-" but is data, and stays a number. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One field: text that could start a formula gets a leading apostrophe (OWASP's CSV injection
 * advice), so a tenant's project named `=HYPERLINK(…)` stays text; then RFC 4180 quoting.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  const safe = typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
