/** The fields drivers and Prisma put a database error's identity in, at any level of wrapping. */
export interface ErrorFields {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
}

/**
 * Whether `test` holds for an error or anything it wraps, following the `links` named (Prisma's
 * error, the driver adapter's and the driver's own are linked by `cause`; a raw query's database
 * error also sits in Prisma's `meta`), at most a few levels deep.
 */
export function someInErrorChain(
  error: unknown,
  test: (fields: ErrorFields) => boolean,
  links: readonly ('cause' | 'meta')[] = ['cause'],
  depth = 0,
): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  const fields = error as ErrorFields & { meta?: unknown; cause?: unknown };
  if (test(fields)) return true;
  return links.some((link) => someInErrorChain(fields[link], test, links, depth + 1));
}
