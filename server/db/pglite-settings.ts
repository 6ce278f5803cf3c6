/**
 * postgresql.conf lines for the embedded database. Its shared buffers live in the process's
 * WASM memory, and PostgreSQL's default of 128 MB was most of what an idle embedded keyplane
 * held; 32 MB keeps the hot tables (intents, recent usage, rollups) cached and cost nothing
 * measurable in the bench's throughput or its usage query over 1M records.
 */
export const EMBEDDED_POSTGRES_CONF = ['shared_buffers = 32MB'];

/**
 * The embedded database's worker thread is a V8 isolate of its own, whose young generation
 * grows to 32 MB by default; what it allocates (statement messages, rows on their way to the
 * main thread) dies young and small. Capped at 8 MB: RSS after load at 300 req/s 346–350 →
 * 322–341 MB, CPU per request within the run-to-run spread.
 */
export const EMBEDDED_WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
