/**
 * postgresql.conf lines for the embedded database. Its shared buffers live in the process's
 * WASM memory, and PostgreSQL's default of 128 MB was most of what an idle embedded keyplane
 * held; 32 MB keeps the hot tables (intents, recent usage, rollups) cached and cost nothing
 * measurable in the bench's throughput or its usage query over 1M records.
 */
export const EMBEDDED_POSTGRES_CONF = ['shared_buffers = 32MB'];
