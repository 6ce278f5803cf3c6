import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  applyMigrations,
  createMigration,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  loadMigrationList,
  migrationStatus,
} from '../../server/db/migrations.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';

// Schema engines and subprocesses take seconds each, far more on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const scratch: string[] = [];
function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keyplane-${label}-`));
  scratch.push(dir);
  return dir;
}
/** A copy of prisma/migrations to edit freely. */
function copyOfMigrations(): string {
  const dir = join(tempDir('migrations'), 'migrations');
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const committed = loadMigrationList().migrationDirectories.map((d) => d.path);

describe.each(availableBackends())('migrations on %s', (backend) => {
  it('applies every committed migration to an empty database, then nothing the second time', async () => {
    const db = await createTestDatabase(backend, { empty: true });
    try {
      const before = await migrationStatus(db);
      expect(before.upToDate).toBe(false);
      expect(before.pending).toEqual(committed);
      expect(await applyMigrations(db)).toEqual(committed);
      expect(await applyMigrations(db)).toEqual([]);
      expect(await migrationStatus(db)).toEqual({ upToDate: true, pending: [], edited: [], failed: [], unknown: [] });
      // The schema is really there, not just the history table.
      expect(await db.prisma.organization.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('reports a migration edited after it was applied, in migrationStatus and /readyz', async () => {
    const edited = copyOfMigrations();
    const first = committed[0] as string;
    appendFileSync(join(edited, first, 'migration.sql'), '\n-- edited after release\nSELECT 1;\n');

    const db = await createTestDatabase(backend);
    try {
      expect((await migrationStatus(db)).upToDate).toBe(true);
      const status = await migrationStatus(db, { migrationsDir: edited });
      expect(status.upToDate).toBe(false);
      expect(status.edited).toEqual([first]);
    } finally {
      await db.close();
    }

    const healthy = await startTestServer(backend);
    try {
      const ready = await healthy.fetch('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', migrations: { upToDate: true } });
      expect((await healthy.fetch('/healthz')).status).toBe(200);
    } finally {
      await healthy.close();
    }

    const t = await startTestServer(backend, {}, { migrations: { migrationsDir: edited } });
    try {
      const response = await t.fetch('/readyz');
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body).toMatchObject({ status: 'unavailable', database: 'ok', migrations: { upToDate: false, edited: [first] } });
      expect(body.migrations.problems).toEqual([`edited after it was applied: ${first}`]);
      // Liveness is not readiness: the process still answers.
      expect((await t.fetch('/healthz')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('reports a migration folder that is missing an applied migration', async () => {
    const behind = copyOfMigrations();
    const last = committed.at(-1) as string;
    rmSync(join(behind, last), { recursive: true });
    const db = await createTestDatabase(backend);
    try {
      const status = await migrationStatus(db, { migrationsDir: behind });
      expect(status.upToDate).toBe(false);
      expect(status.unknown).toEqual([last]);
    } finally {
      await db.close();
    }
  });
});

describe('createMigration (PGlite shadow database)', () => {
  it('returns null when prisma/schema.prisma matches the committed migrations', async () => {
    const dir = copyOfMigrations();
    const before = readdirSync(dir).sort();
    expect(await createMigration('nothing_changed', { migrationsDir: dir, schemaPath: DEFAULT_SCHEMA_PATH })).toBeNull();
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('writes a migration for a changed schema, which then shows as pending and applies', async () => {
    const dir = copyOfMigrations();
    const schemaPath = join(tempDir('schema'), 'schema.prisma');
    const schema = readFileSync(DEFAULT_SCHEMA_PATH, 'utf8');
    expect(schema).toMatch(/^model User \{$/m);
    writeFileSync(schemaPath, schema.replace(/^model User \{$/m, 'model User {\n  nickname String?'));

    const created = await createMigration('add_nickname', { migrationsDir: dir, schemaPath }, new Date('2099-01-02T03:04:05Z'));
    expect(created).toBe(join(dir, '20990102030405_add_nickname'));
    const sql = readFileSync(join(created as string, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"nickname" TEXT/);
    expect(sql).not.toMatch(/DROP/);
    expect(await createMigration('again', { migrationsDir: dir, schemaPath })).toBeNull();

    const db = await createTestDatabase('pglite');
    try {
      const status = await migrationStatus(db, { migrationsDir: dir, schemaPath });
      expect(status.pending).toEqual(['20990102030405_add_nickname']);
      expect(await applyMigrations(db, { migrationsDir: dir, schemaPath })).toEqual(['20990102030405_add_nickname']);
      expect((await migrationStatus(db, { migrationsDir: dir, schemaPath })).upToDate).toBe(true);
      const columns = await db.prisma.$queryRaw<{ column_name: string }[]>`
        SELECT column_name FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'nickname'`;
      expect(columns).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('refuses a name that is not lower-case words', async () => {
    await expect(createMigration('Drop Table;', { migrationsDir: copyOfMigrations() })).rejects.toThrow(/lower-case/);
  });
});
