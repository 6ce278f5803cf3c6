import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Logger } from '../observability/logger.js';
import { type ConfigChanges, embeddedConfigChanges, postgresConfigChanges } from './config-changes.js';
import { type DirectSql, pgliteDirectSql, postgresDirectSql } from './direct-sql.js';
import { PrismaClient } from './generated/client.js';
import { EMBEDDED_POSTGRES_CONF } from './pglite-settings.js';
import { IDLE_CONNECTION_MS, KEPT_CONNECTIONS, postgresSessionUrl } from './postgres-session.js';

export type { PrismaClient };
export type DatabaseKind = 'pglite' | 'postgres';

/** A Prisma client plus the driver adapter factory the schema engine migrates through. */
export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** The hot path's write-ahead intents and settlement batches, without Prisma's per-query cost. */
  direct: DirectSql;
  /**
   * The request path's other statements without Prisma (key lookups, an organization's
   * configuration, lease extensions), on connections of their own on a PostgreSQL server so a
   * burst of them never queues an intent; the same as `direct` on the embedded database.
   */
  lookups: DirectSql;
  /** Announced configuration changes (config-changes.ts), listened for from the first call until close. */
  configChanges(logger: Logger): ConfigChanges;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export interface OpenAdapterOptions {
  /** postgres:// URL; unset means embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory (ignored with `url` or `pglite`). */
  dataDir?: string | undefined;
  /** A `dumpDataDir` tarball for the embedded database to start from (tests copy a migrated template). */
  loadDataDir?: string | undefined;
  /** An already-open PGlite (tests load one from a migrated template). */
  pglite?: PGlite;
  /** Connection pool size for a PostgreSQL server. */
  poolSize?: number;
  /** How long a PostgreSQL connection above the kept ones may idle before it closes (tests shorten it). */
  idleConnectionMs?: number;
}

export interface OpenDatabaseOptions extends OpenAdapterOptions {
  /** Called with every SQL statement Prisma or `direct` sends (tests count them to catch N+1 queries). */
  onQuery?: (sql: string) => void;
}

/** A driver adapter factory without a Prisma client: all the schema engine needs. */
export interface DatabaseAdapter {
  kind: DatabaseKind;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The embedded database, when there is one. */
  pglite?: PGlite;
  /** Closes the PGlite this opened (one passed in stays open); a no-op for a PostgreSQL server. */
  close(): Promise<void>;
}

/**
 * The driver adapter for a PostgreSQL server or embedded PGlite. PGlite (~300 MB of WebAssembly
 * once open) and its adapter are imported only when embedded, so a server process on
 * PostgreSQL never loads them.
 */
export async function openAdapter(options: OpenAdapterOptions): Promise<DatabaseAdapter> {
  if (options.url) {
    const poolSize = options.poolSize ?? 10;
    const adapterFactory = withWholeScripts(
      new PrismaPg(
        {
          connectionString: postgresSessionUrl(options.url),
          max: poolSize,
          min: Math.min(KEPT_CONNECTIONS, poolSize),
          idleTimeoutMillis: options.idleConnectionMs ?? IDLE_CONNECTION_MS,
        },
        // The schema engine needs the adapter to name its schema.
        { schema: 'public' },
      ),
    );
    return { kind: 'postgres', adapterFactory, close: async () => {} };
  }
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  let pglite = options.pglite;
  if (!pglite) {
    const dataDir = options.dataDir ?? './data/db';
    mkdirSync(dataDir, { recursive: true });
    pglite = await PGlite.create({ dataDir, postgresqlconf: EMBEDDED_POSTGRES_CONF });
  }
  const owned = options.pglite ? null : pglite;
  return {
    kind: 'pglite',
    pglite,
    adapterFactory: withPublicSchema(new PrismaPGlite(pglite)),
    // An open PGlite keeps Node from exiting.
    close: async () => {
      if (owned && !owned.closed) await owned.close();
    },
  };
}

/**
 * A Prisma client on the configured database. An embedded database opened here runs in a worker
 * thread (pglite-in-worker.ts), so its synchronous WebAssembly never stalls the request thread;
 * only a PGlite passed in (already open in this thread) is used in place.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const db = await (options.url || options.pglite ? openInProcess(options) : openInWorker(options));
  if (!options.onQuery) return db;
  const direct = observed(db.direct, options.onQuery);
  return { ...db, direct, lookups: db.lookups === db.direct ? direct : observed(db.lookups, options.onQuery) };
}

/** The hot path's statements, each also told to `onQuery` (as Prisma's are). */
function observed(direct: DirectSql, onQuery: (sql: string) => void): DirectSql {
  return {
    query: (statement, values, onSent) => {
      onQuery(statement.text);
      return direct.query(statement, values, onSent);
    },
    close: () => direct.close(),
  };
}

async function openInWorker(options: OpenDatabaseOptions): Promise<Database> {
  const { openPGliteWorker } = await import('./pglite-in-worker.js');
  const dataDir = options.loadDataDir ? options.dataDir : (options.dataDir ?? './data/db');
  if (dataDir && !dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const worker = await openPGliteWorker({ dataDir, loadDataDir: options.loadDataDir });
  const prisma = createClient(worker.adapterFactory, options.onQuery);
  const changes = lazyFeed(() => embeddedConfigChanges(worker.listen));
  return {
    kind: 'pglite',
    prisma,
    direct: worker.direct,
    lookups: worker.direct,
    configChanges: changes.get,
    adapterFactory: worker.adapterFactory,
    close: async () => {
      await changes.close();
      await prisma.$disconnect();
      await worker.close();
    },
  };
}

async function openInProcess(options: OpenDatabaseOptions): Promise<Database> {
  const { kind, adapterFactory, pglite } = await openAdapter(options);
  const prisma = createClient(adapterFactory, options.onQuery);
  if (!pglite) {
    const url = options.url as string;
    const idleConnectionMs = options.idleConnectionMs;
    // Intents and settlement batches: one statement in flight each.
    const direct = postgresDirectSql(url, { max: 2, applicationName: 'keyplane-hot-path', idleConnectionMs });
    const lookups = postgresDirectSql(url, { max: 3, applicationName: 'keyplane-lookups', idleConnectionMs });
    const changes = lazyFeed((logger: Logger) => postgresConfigChanges(postgresSessionUrl(url), logger));
    return {
      kind,
      prisma,
      direct,
      lookups,
      configChanges: changes.get,
      adapterFactory,
      close: async () => {
        await changes.close();
        await Promise.all([direct.close(), lookups.close()]);
        await prisma.$disconnect();
      },
    };
  }
  const changes = lazyFeed(() => embeddedConfigChanges((channel, onNotification) => pglite.listen(channel, onNotification)));
  // The database owns its PGlite, also one passed in (tests hand theirs over).
  const direct = pgliteDirectSql(pglite);
  return {
    kind,
    prisma,
    direct,
    lookups: direct,
    configChanges: changes.get,
    adapterFactory,
    close: async () => {
      await changes.close();
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** The database's change feed, started by the first caller and closed with the database. */
function lazyFeed(start: (logger: Logger) => ConfigChanges) {
  let feed: ConfigChanges | null = null;
  return {
    get: (logger: Logger) => {
      feed ??= start(logger);
      return feed;
    },
    close: async () => {
      await feed?.close();
    },
  };
}

function createClient(adapter: SqlMigrationAwareDriverAdapterFactory, onQuery: ((sql: string) => void) | undefined): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (event) => onQuery(event.query));
  return client as unknown as PrismaClient;
}

/**
 * adapter-pg runs a migration script split at every ";", which cuts a function body (a trigger's
 * PL/pgSQL) apart. PostgreSQL's simple query protocol takes the whole script at once, as
 * Prisma's own engine sends it: its statements run as one implicit transaction, so a migration
 * that fails leaves nothing half applied.
 */
function withWholeScripts(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return patchAdapters(factory, (adapter) => {
    // adapter-pg's own pool, and its mapping of driver errors to the ones Prisma reports.
    const pgAdapter = adapter as unknown as { client: { query(sql: string): Promise<unknown> }; onError(error: unknown): never };
    adapter.executeScript = async (script) => {
      try {
        await pgAdapter.client.query(script);
      } catch (error) {
        pgAdapter.onError(error);
      }
    };
  });
}

/** pglite-prisma-adapter reports no schema name, which the schema engine requires. */
function withPublicSchema(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return patchAdapters(factory, (adapter) => {
    const original = adapter.getConnectionInfo?.bind(adapter);
    adapter.getConnectionInfo = () => ({ supportsRelationJoins: true, ...original?.(), schemaName: 'public' });
  });
}

/** `factory`, with `patch` applied to every adapter it connects (the shadow database's too). */
function patchAdapters(
  factory: SqlMigrationAwareDriverAdapterFactory,
  patch: (adapter: SqlDriverAdapter) => void,
): SqlMigrationAwareDriverAdapterFactory {
  const patched = async (adapter: SqlDriverAdapter) => {
    patch(adapter);
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patched(await factory.connect()),
    connectToShadowDb: async () => patched(await factory.connectToShadowDb()),
  };
}
