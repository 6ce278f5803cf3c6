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
  return withSetting(url, 'jit', 'off');
}

/**
 * The hot path's own sessions (direct-sql.ts: write-ahead intents and settlement batches): as
 * above, and planned without sequential scans. Their statements are prepared once, and the
 * generic plan PostgreSQL keeps is chosen in the gateway's first seconds, while "UsageIntent"
 * is a page or two — so a scan of it looked cheapest, and stayed the plan while every request
 * inserts and deletes an intent there and the table grows by thousands of pages of dead rows
 * between autovacuum passes (1.27M page reads in one 10 s flat-out probe; 182k by key). Every
 * row those statements touch is reached by a key they hold, through its index.
 */
export function hotPathSessionUrl(url: string): string {
  return withSetting(postgresSessionUrl(url), 'enable_seqscan', 'off');
}

/**
 * Connections each of keyplane's PostgreSQL pools keeps open however long it is idle (`pg`'s
 * `min`; the intents' pool has no more). `pg` closes a connection idle for 10 s, and the first
 * requests after a quiet spell then waited for new ones: a PostgreSQL backend started, its session
 * set up, every prepared statement parsed and planned again. Measured at 1,000 req/s after 18 s
 * idle, the write-ahead intents of the first 100 ms waited 10–30 ms at the median, against
 * 3.5–4 ms with the connections kept.
 */
export const KEPT_CONNECTIONS = 2;

/** How long a connection above `KEPT_CONNECTIONS` stays open idle (`pg`'s default; tests shorten it). */
export const IDLE_CONNECTION_MS = 10_000;

/** `-c name=value` added to the URL's `options`, unless the operator's options already set `name`. */
function withSetting(url: string, name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // not a URL (a keyword/value string): left exactly as the operator wrote it
  }
  const options = parsed.searchParams.get('options') ?? '';
  if (new RegExp(`\\b${name}\\b`).test(options)) return url;
  parsed.searchParams.set('options', `${options} -c ${name}=${value}`.trim());
  return parsed.toString();
}
