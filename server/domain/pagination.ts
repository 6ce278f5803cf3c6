import { badInput } from './errors.js';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const MAX_PAGE_SIZE = 200;

export function pageSize(first: number | null | undefined, fallback = 50): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  return first;
}

/** Keyset cursors (time, id): stable under inserts, and an index range scan at any depth. */
function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime())) throw badInput('after is not a cursor this API returned');
  return { at, id };
}

/** The `where` fragment that continues after a cursor, newest first. */
export function afterCursor(after: string | null | undefined): object {
  const cursor = decodeCursor(after);
  return cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {};
}

/** Rows fetched with `take + 1` (newest first) turned into a page. */
export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], take: number): Page<T> {
  const nodes = rows.slice(0, take);
  const last = nodes.at(-1);
  return { nodes, hasNextPage: rows.length > take, endCursor: last ? encodeCursor(last.createdAt, last.id) : null };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] as const;
