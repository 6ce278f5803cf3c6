/**
 * The connection string keyplane opens PostgreSQL with: the operator's, with JIT compilation
 * turned off for the session unless its `options` parameter already says how to set `jit`.
 *
 * Why: PostgreSQL JIT-compiles any statement whose estimated cost passes `jit_above_cost`, and
 * the billing statements (one CTE that writes usage, ledger, budgets and holds) are estimated far
 * above it however few rows they touch. Measured on PostgreSQL 15: one intent-recovery pass that
 * found nothing spent 4.97 s compiling (3.4 s of it LLVM optimisation) against 1 ms executing,
 * every few seconds, on the cores the gateway serves from. keyplane's statements are small or
 * answered from rollups, where compiling never pays back.
 */
export function postgresSessionUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // not a URL (a keyword/value string): left exactly as the operator wrote it
  }
  const options = parsed.searchParams.get('options') ?? '';
  if (/\bjit\b/.test(options)) return url;
  parsed.searchParams.set('options', `${options} -c jit=off`.trim());
  return parsed.toString();
}
