import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/db/database.js';
import { applyMigrations } from '../../server/db/migrations.js';
import { databaseUrl, IN_CI, TEST_DATABASE_URL } from './test-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated PGlite database; each test file loads its own copy. */
    pgliteTemplatePath: string;
    /** A migrated PostgreSQL database to CREATE DATABASE … TEMPLATE from, or null if unavailable. */
    postgresTemplate: string | null;
    postgresUnavailable: string | null;
  }
}

/**
 * Migrate once per run, copy per test file: initdb + migrations take seconds, loading a
 * dump or cloning a template database takes a fraction of one.
 */
export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

  const pglite = await PGlite.create();
  const embedded = await openDatabase({ pglite });
  await applyMigrations(embedded);
  const dump = await pglite.dumpDataDir('gzip');
  await embedded.close();
  const pgliteTemplatePath = join(tmpdir(), `keyplane-test-${runId}.tar.gz`);
  writeFileSync(pgliteTemplatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplatePath', pgliteTemplatePath);

  let postgresTemplate: string | null = `kp_tmpl_${runId}`;
  let postgresUnavailable: string | null = null;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${postgresTemplate}"`);
    const server = await openDatabase({ url: databaseUrl(postgresTemplate), poolSize: 2 });
    await applyMigrations(server);
    await server.close();
  } catch (error) {
    if (IN_CI) throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is required in CI: ${(error as Error).message}`);
    postgresUnavailable = `PostgreSQL not reachable at ${TEST_DATABASE_URL} (${(error as Error).message})`;
    postgresTemplate = null;
    process.stderr.write(`\n[keyplane tests] SKIPPING PostgreSQL tests: ${postgresUnavailable}\n`);
  }
  project.provide('postgresTemplate', postgresTemplate);
  project.provide('postgresUnavailable', postgresUnavailable);

  return async () => {
    rmSync(pgliteTemplatePath, { force: true });
    if (postgresTemplate) {
      // Test files drop their own databases; sweep any a crashed worker left behind.
      const leftovers = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`kp_t_${runId}%`]);
      for (const row of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS "${postgresTemplate}" WITH (FORCE)`);
    }
    await admin.end().catch(() => {});
  };
}
