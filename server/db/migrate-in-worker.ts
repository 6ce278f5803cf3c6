import type { MigrationPaths } from './migrations.js';
import { startModuleWorker } from './start-worker.js';

export interface MigrateRequest {
  /** postgres:// URL; unset means embedded PGlite in `dataDir`. */
  url?: string | undefined;
  dataDir?: string | undefined;
  paths: MigrationPaths;
}

export type MigrateResult = { ok: true; applied: string[] } | { ok: false; message: string; stack?: string; code?: string };

/** An error the schema engine raised in the migration worker. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Apply pending migrations in a worker thread and wait for it to exit: the WebAssembly schema
 * engine (tens of MB of compiled code and linear memory) is freed with the thread rather than
 * kept by the server for its lifetime. For the embedded database the worker opens the PGlite
 * data dir itself and closes it before returning, so call this before the server opens it
 * (two PGlite instances must not share a data dir). Returns the names applied.
 */
export async function applyMigrationsInWorker(request: MigrateRequest): Promise<string[]> {
  const worker = startModuleWorker(import.meta.url, 'migrate-worker', { workerData: request });
  let result: MigrateResult | undefined;
  let crash: Error | undefined;
  worker.on('message', (message: MigrateResult) => {
    result = message;
    // Everything is closed by now; do not let a lingering handle keep the thread (and its memory).
    setTimeout(() => void worker.terminate(), 2_000).unref();
  });
  worker.on('error', (error) => (crash = error));
  const exitCode = await new Promise<number>((resolve) => worker.once('exit', resolve));
  if (result?.ok) return result.applied;
  if (result) {
    const error = new MigrationError(result.message, result.code);
    if (result.stack) error.stack = result.stack;
    throw error;
  }
  throw crash ?? new MigrationError(`The migration worker exited (code ${exitCode}) without a result`);
}
