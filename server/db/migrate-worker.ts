/**
 * Worker-thread entry (started by migrate-in-worker.ts): opens the database's driver adapter,
 * applies the committed migrations with the WebAssembly schema engine, closes everything and
 * posts the result. Run in a worker so the engine's code and memory leave with the thread
 * instead of staying in the server's heap for its lifetime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openAdapter } from './database.js';
import type { MigrateRequest, MigrateResult } from './migrate-in-worker.js';
import { applyMigrations } from './migrations.js';

async function run(request: MigrateRequest): Promise<MigrateResult> {
  // Two connections: the engine holds one for its advisory lock and migrates on another.
  const adapter = await openAdapter({ url: request.url, dataDir: request.dataDir, poolSize: 2 });
  try {
    return { ok: true, applied: await applyMigrations(adapter, request.paths) };
  } finally {
    await adapter.close();
  }
}

run(workerData as MigrateRequest).then(
  (result) => parentPort?.postMessage(result),
  (error: unknown) => {
    const failure: MigrateResult = {
      ok: false,
      message:
        error instanceof Error
          ? error.message
          : typeof error === 'object' && error && 'message' in error
            ? String(error.message)
            : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      ...(typeof error === 'object' && error && 'code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
    };
    parentPort?.postMessage(failure);
  },
);
