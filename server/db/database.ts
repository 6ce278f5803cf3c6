import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.js';

export type { PrismaClient };
export type DatabaseKind = 'pglite' | 'postgres';

/** A Prisma client plus the driver adapter factory the schema engine migrates through. */
export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; unset means embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory (ignored with `url` or `pglite`). */
  dataDir?: string | undefined;
  /** An already-open PGlite (tests load one from a migrated template). */
  pglite?: PGlite;
  /** Connection pool size for a PostgreSQL server. */
  poolSize?: number;
  /** Called with every SQL statement Prisma sends (tests count them to catch N+1 queries). */
  onQuery?: (sql: string) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const adapterFactory = new PrismaPg(
      { connectionString: options.url, max: options.poolSize ?? 10 },
      // The schema engine needs the adapter to name its schema.
      { schema: 'public' },
    );
    const prisma = createClient(adapterFactory, options.onQuery);
    return { kind: 'postgres', prisma, adapterFactory, close: () => prisma.$disconnect() };
  }
  let pglite = options.pglite;
  if (!pglite) {
    const dataDir = options.dataDir ?? './data/db';
    mkdirSync(dataDir, { recursive: true });
    pglite = await PGlite.create(dataDir);
  }
  const owned = pglite;
  const adapterFactory = withPublicSchema(new PrismaPGlite(owned));
  const prisma = createClient(adapterFactory, options.onQuery);
  return {
    kind: 'pglite',
    prisma,
    adapterFactory,
    close: async () => {
      await prisma.$disconnect();
      // An open PGlite keeps Node from exiting.
      if (!owned.closed) await owned.close();
    },
  };
}

function createClient(adapter: SqlMigrationAwareDriverAdapterFactory, onQuery: ((sql: string) => void) | undefined): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (event) => onQuery(event.query));
  return client as unknown as PrismaClient;
}

/** pglite-prisma-adapter reports no schema name, which the schema engine requires. */
function withPublicSchema(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const patch = async <T extends { getConnectionInfo?: () => unknown }>(adapter: T): Promise<T> => {
    const original = adapter.getConnectionInfo?.bind(adapter);
    adapter.getConnectionInfo = () => ({ ...(original?.() as object), schemaName: 'public' });
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}
