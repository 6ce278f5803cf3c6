/** CSV (RFC 4180): one writer for the dashboard's exports and the server's statements (shared/csv.ts). */
export { type CsvColumn, csvCell, toCsv } from '../../../shared/csv.js';
