import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import {
  DriverAdapterError,
  type Error as DriverError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from '@prisma/driver-adapter-utils';
import type { DirectSql } from './direct-sql.js';
import { EMBEDDED_WORKER_LIMITS } from './pglite-settings.js';
import type { PGliteWorkerOptions, WorkerError, WorkerMessage, WorkerReady, WorkerRequest } from './pglite-worker-protocol.js';
import { startModuleWorker } from './start-worker.js';

// Named like the adapter it forwards to, so Prisma treats it the same.
const ADAPTER_NAME = 'pglite-prisma-adapter';

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

function toError(error: WorkerError): Error {
  if ('driverAdapterError' in error) return new DriverAdapterError(error.driverAdapterError as DriverError);
  const rebuilt = Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

/** The embedded database in its worker thread: one request/response channel over its MessagePort. */
class WorkerChannel {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private stopped: Error | undefined;
  private readonly notified = new Map<string, (payload: string) => void>();

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerMessage) => {
      if ('notification' in message) {
        this.notified.get(message.notification)?.(message.payload);
        return;
      }
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(toError(message.error));
    });
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`The embedded database worker exited (code ${code})`)));
  }

  request<T>(body: RequestBody): Promise<T> {
    if (this.stopped) return Promise.reject(new Error(`The embedded database is closed: ${this.stopped.message}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  /** LISTEN on `channel` in the worker: `onNotification` runs for each NOTIFY. */
  listen(channel: string, onNotification: (payload: string) => void): Promise<void> {
    this.notified.set(channel, onNotification);
    return this.request({ op: 'listen', channel });
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    const exited = once(this.worker, 'exit');
    await this.request({ op: 'close' }).catch(() => {});
    // The worker exits by itself once PGlite is closed; do not wait on a stuck one for ever.
    const timer = setTimeout(() => void this.worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const waiting of this.pending.values()) waiting.reject(new Error(`The embedded database worker stopped: ${reason.message}`));
    this.pending.clear();
  }
}

class WorkerQueryable {
  readonly provider = 'postgres' as const;
  readonly adapterName = ADAPTER_NAME;

  constructor(
    protected readonly channel: WorkerChannel,
    private readonly tx?: number,
  ) {}

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.channel.request({ op: 'query', query, ...(this.tx ? { tx: this.tx } : {}) });
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.channel.request({ op: 'execute', query, ...(this.tx ? { tx: this.tx } : {}) });
  }
}

class WorkerTransaction extends WorkerQueryable implements Transaction {
  constructor(
    channel: WorkerChannel,
    private readonly id: number,
    readonly options: TransactionOptions,
  ) {
    super(channel, id);
  }

  commit(): Promise<void> {
    return this.channel.request({ op: 'commit', tx: this.id });
  }

  rollback(): Promise<void> {
    return this.channel.request({ op: 'rollback', tx: this.id });
  }
}

class WorkerAdapter extends WorkerQueryable implements SqlDriverAdapter {
  constructor(
    channel: WorkerChannel,
    private readonly onDispose: () => Promise<void> = async () => {},
  ) {
    super(channel);
  }

  executeScript(script: string): Promise<void> {
    return this.channel.request({ op: 'script', script });
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const { id, options } = await this.channel.request<{ id: number; options: TransactionOptions }>({
      op: 'begin',
      ...(isolationLevel ? { isolationLevel } : {}),
    });
    return new WorkerTransaction(this.channel, id, options);
  }

  getConnectionInfo() {
    // The schema engine needs a schema name; pglite-prisma-adapter reports none.
    return { schemaName: 'public', supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    return this.onDispose();
  }
}

export interface PGliteWorker {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Hot-path statements straight to the worker's PGlite, without Prisma. */
  direct: DirectSql;
  /** LISTEN on `channel` in the worker's PGlite. */
  listen(channel: string, onNotification: (payload: string) => void): Promise<void>;
  /** Closes the database and waits for its thread to exit. */
  close(): Promise<void>;
}

/**
 * Open PGlite in a worker thread and return a Prisma driver adapter factory that talks to it.
 * Resolves once the database is open (rejects with PGlite's error, e.g. a corrupt data dir).
 */
export async function openPGliteWorker(options: PGliteWorkerOptions): Promise<PGliteWorker> {
  const channel = await startChannel(options);
  return {
    adapterFactory: {
      provider: 'postgres',
      adapterName: ADAPTER_NAME,
      connect: async () => new WorkerAdapter(channel),
      // The schema engine diffs against an empty in-memory database of its own, closed with its adapter.
      connectToShadowDb: async () => {
        const shadow = await startChannel({});
        return new WorkerAdapter(shadow, () => shadow.close());
      },
    },
    direct: {
      query: (statement, values) => channel.request({ op: 'direct', statement, params: [...values] }),
      close: async () => {},
    },
    listen: (name, onNotification) => channel.listen(name, onNotification),
    close: () => channel.close(),
  };
}

async function startChannel(options: PGliteWorkerOptions): Promise<WorkerChannel> {
  const worker = startModuleWorker(import.meta.url, 'pglite-worker', { workerData: options, resourceLimits: EMBEDDED_WORKER_LIMITS });
  const ready = await new Promise<WorkerReady>((resolve, reject) => {
    const exited = (code: number) => reject(new Error(`The embedded database worker exited (code ${code}) before the database opened`));
    worker.once('error', reject).once('exit', exited);
    worker.once('message', (message: WorkerReady) => {
      worker.off('error', reject).off('exit', exited);
      resolve(message);
    });
  });
  if (!ready.ready) {
    await worker.terminate();
    throw toError(ready.error);
  }
  return new WorkerChannel(worker);
}
