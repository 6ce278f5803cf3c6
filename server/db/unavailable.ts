const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);
const UNAVAILABLE_TEXT = /ECONNREFUSED|ECONNRESET|Connection terminated|connection timeout|Can't reach database|server closed the connection|terminating connection|Connection is closed/i;

/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a bug or a
 * bad query), looking through Prisma's and the driver's wrapping. Callers answer 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
  if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
  if (typeof candidate.originalCode === 'string' && UNAVAILABLE_CODES.has(candidate.originalCode)) return true;
  if (typeof candidate.kind === 'string' && UNAVAILABLE_KINDS.has(candidate.kind)) return true;
  if (typeof candidate.message === 'string' && UNAVAILABLE_TEXT.test(candidate.message)) return true;
  return isDatabaseUnavailable(candidate.cause, depth + 1);
}
