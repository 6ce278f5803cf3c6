/**
 * Worker-thread entry (started by pglite-in-worker.ts): the embedded database and its Prisma
 * driver adapter. PGlite runs each statement synchronously in WebAssembly, so on the request
 * thread a statement stalls every request for as long as it runs; here it stalls only this
 * thread. The main thread forwards driver-adapter calls (query, execute, script, begin, commit,
 * rollback), hot-path statements (direct) and LISTEN, and gets rows already converted for Prisma. PGlite itself serialises statements and
 * holds out everything else while an interactive transaction is open.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { type DirectSql, pgliteDirectSql } from './direct-sql.js';
import { EMBEDDED_POSTGRES_CONF } from './pglite-settings.js';
import type {
  PGliteWorkerOptions,
  WorkerError,
  WorkerNotification,
  WorkerReady,
  WorkerRequest,
  WorkerResponse,
} from './pglite-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('pglite-worker runs in a worker thread');

const transactions = new Map<number, Transaction>();
let direct: DirectSql | undefined;
let nextTransaction = 1;

function serializeError(error: unknown): WorkerError {
  // The adapter's DriverAdapterError comes from its own copy of driver-adapter-utils: match by name.
  if (error instanceof Error && error.name === 'DriverAdapterError' && typeof error.cause === 'object')
    return { driverAdapterError: error.cause };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      message: error.message,
      name: error.name,
      ...(error.stack ? { stack: error.stack } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { message: String(error), name: 'Error' };
}

function transaction(tx: number): Transaction {
  const open = transactions.get(tx);
  if (!open) throw new Error(`No open transaction ${tx} in the embedded database`);
  return open;
}

async function handle(pglite: PGlite, adapter: SqlDriverAdapter, request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'query':
      return (request.tx ? transaction(request.tx) : adapter).queryRaw(request.query);
    case 'execute':
      return (request.tx ? transaction(request.tx) : adapter).executeRaw(request.query);
    case 'script':
      // The adapter's executeScript does not await PGlite's exec (its errors would go unhandled).
      try {
        await pglite.exec(request.script);
      } catch (error) {
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
      return undefined;
    case 'direct':
      // A hot-path statement straight to PGlite, without the Prisma adapter (direct-sql.ts).
      direct ??= pgliteDirectSql(pglite);
      return direct.query(request.statement, request.params);
    case 'begin': {
      const open = await adapter.startTransaction(request.isolationLevel);
      const id = nextTransaction++;
      transactions.set(id, open);
      return { id, options: open.options };
    }
    case 'commit':
    case 'rollback': {
      const open = transaction(request.tx);
      transactions.delete(request.tx);
      return request.op === 'commit' ? open.commit() : open.rollback();
    }
    case 'listen':
      // Announcements (config-changes.ts) go to the main thread as they arrive.
      await pglite.listen(request.channel, (payload) =>
        port?.postMessage({ notification: request.channel, payload } satisfies WorkerNotification),
      );
      return undefined;
    case 'close':
      // An interactive transaction left open would hold PGlite's lock and hang close().
      for (const [id, open] of transactions) {
        transactions.delete(id);
        await open.rollback().catch(() => {});
      }
      if (!pglite.closed) await pglite.close();
      return undefined;
  }
}

async function open(options: PGliteWorkerOptions): Promise<PGlite> {
  const loadDataDir = options.loadDataDir ? new Blob([readFileSync(options.loadDataDir)]) : undefined;
  return PGlite.create({
    postgresqlconf: EMBEDDED_POSTGRES_CONF,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
  });
}

async function main(): Promise<void> {
  let pglite: PGlite;
  try {
    pglite = await open(workerData as PGliteWorkerOptions);
  } catch (error) {
    port?.postMessage({ ready: false, error: serializeError(error) } satisfies WorkerReady);
    return;
  }
  const adapter = await new PrismaPGlite(pglite).connect();
  port?.on('message', (request: WorkerRequest) => {
    handle(pglite, adapter, request).then(
      (value) => {
        port.postMessage({ id: request.id, ok: true, value } satisfies WorkerResponse);
        // Nothing else keeps the thread alive once the database is closed.
        if (request.op === 'close') port.close();
      },
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: serializeError(error) } satisfies WorkerResponse),
    );
  });
  port?.postMessage({ ready: true } satisfies WorkerReady);
}

void main();
