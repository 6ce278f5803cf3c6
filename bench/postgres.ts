/** A scratch PostgreSQL database for one bench run, created fresh and dropped afterwards (even on failure). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './processes.js';

/** Where to create scratch databases: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh database, or the reason there is none (PostgreSQL unreachable). */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> } | { unavailable: string }> {
  const name = `kp_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  try {
    await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  } catch (error) {
    return {
      unavailable: `PostgreSQL at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//…@')} unavailable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const drop = onCleanup(() => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined));
  return { url: url.toString(), drop };
}

/** A fresh database's URL (dropped at cleanup), for a probe that cannot run without PostgreSQL: throws the reason there is none. */
export async function scratchDatabaseUrl(): Promise<string> {
  const scratch = await createScratchDatabase();
  if ('unavailable' in scratch) throw new Error(scratch.unavailable);
  return scratch.url;
}
