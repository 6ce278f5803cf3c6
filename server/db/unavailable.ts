import { someInErrorChain } from './error-chain.js';

const UNAVAILABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseDoesNotExist',
]);
const UNAVAILABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|connection timeout|Can't reach database|server closed the connection|terminating connection|Connection is closed|timeout exceeded when trying to connect|is not queryable/i;

/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a bug or a
 * bad query), looking through Prisma's and the driver's wrapping. Callers answer 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someInErrorChain(
    error,
    ({ code, originalCode, kind, message }) =>
      (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
      (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode)) ||
      (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) ||
      (typeof message === 'string' && UNAVAILABLE_TEXT.test(message)),
  );
}
