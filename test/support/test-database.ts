import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.js';
import { databaseUrl, TEST_DATABASE_URL } from './test-env.js';

export type Backend = 'pglite' | 'postgres';

/** Both backends where PostgreSQL is reachable (always in CI); PGlite alone otherwise. */
export function availableBackends(): Backend[] {
  return inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabaseOptions {
  /** Called with every SQL statement the server's Prisma client sends. */
  onQuery?: (sql: string) => void;
  /** Start without any migration applied (default: a migrated copy of the template). */
  empty?: boolean;
}

/** A fresh database of its own for one test file, migrated unless `empty`. */
export async function createTestDatabase(
  backend: Backend,
  options: TestDatabaseOptions = {},
): Promise<Database & { url: string | undefined }> {
  const extra = options.onQuery ? { onQuery: options.onQuery } : {};
  if (backend === 'pglite') {
    // In its worker thread, as the server runs it.
    const embedded = options.empty ? { dataDir: 'memory://' } : { loadDataDir: inject('pgliteTemplatePath') };
    return { ...(await openDatabase({ ...embedded, ...extra })), url: undefined };
  }
  const template = inject('postgresTemplate');
  if (!template) throw new Error(inject('postgresUnavailable') ?? 'PostgreSQL is unavailable');
  const name = `kp_t_${template.slice('kp_tmpl_'.length)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(options.empty ? `CREATE DATABASE "${name}"` : `CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = databaseUrl(name);
  const db = await openDatabase({ url, poolSize: 5, ...extra });
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
