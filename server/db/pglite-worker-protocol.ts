import type { IsolationLevel, SqlQuery } from '@prisma/driver-adapter-utils';
import type { HotStatement } from './direct-sql.js';

/** What the embedded database worker opens (workerData). */
export interface PGliteWorkerOptions {
  /** PGlite data directory; unset means in memory. */
  dataDir?: string | undefined;
  /** Path of a `dumpDataDir` tarball to start from (tests copy a migrated template). */
  loadDataDir?: string | undefined;
}

/** One driver-adapter call; `tx` names an open interactive transaction. */
export type WorkerRequest = { id: number } & (
  | { op: 'query' | 'execute'; query: SqlQuery; tx?: number }
  | { op: 'script'; script: string }
  | { op: 'direct'; statement: HotStatement; params: string[] }
  | { op: 'begin'; isolationLevel?: IsolationLevel }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'listen'; channel: string }
  | { op: 'close' }
);

/** A NOTIFY on a channel the worker was asked to listen on, with its payload (no request id: it answers nothing). */
export type WorkerNotification = { notification: string; payload: string };

/** What the main thread receives once the worker is ready. */
export type WorkerMessage = WorkerResponse | WorkerNotification;

/** A `DriverAdapterError`'s payload travels as is (Prisma maps it to P2002 and friends); anything else as message, name and code. */
export type WorkerError = { driverAdapterError: unknown } | { message: string; name: string; stack?: string; code?: string };

export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerError };

/** The worker's first message: the database opened, or why not. */
export type WorkerReady = { ready: true } | { ready: false; error: WorkerError };
