import { someInErrorChain } from './error-chain.js';

/** PostgreSQL aborting a statement so another can proceed: a deadlock, or a serialization failure. */
const CONFLICT_CODES = new Set(['40P01', '40001']);
const CONFLICT_TEXT = /deadlock detected|could not serialize access/i;

/**
 * Whether an error is PostgreSQL aborting a statement for a deadlock or a serialization
 * conflict, looking through Prisma's and the driver's wrapping (code, originalCode, meta, cause).
 * Nothing of the statement took effect, and running it again is the remedy.
 */
export function isTransientConflict(error: unknown): boolean {
  return someInErrorChain(
    error,
    ({ code, originalCode, message }) =>
      (typeof code === 'string' && CONFLICT_CODES.has(code)) ||
      (typeof originalCode === 'string' && CONFLICT_CODES.has(originalCode)) ||
      (typeof message === 'string' && CONFLICT_TEXT.test(message)),
    ['meta', 'cause'],
  );
}

/**
 * Run a single-statement operation again, after a short random pause, when PostgreSQL aborted it
 * for a conflict (at most `attempts` runs in all); any other error, or the last conflict, is
 * thrown. Only for operations that are one statement: an aborted statement left nothing behind.
 */
export async function retryConflicts<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
