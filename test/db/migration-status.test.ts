import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  engineMigrationStatus,
  loadMigrationList,
  migrationStatus,
  scriptMatchesChecksum,
} from '../../server/db/migrations.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

// /readyz checks migrations in plain SQL; these pin it to the schema engine's own diagnosis.
vi.setConfig({ testTimeout: 180_000 });

const scratch: string[] = [];
function copyOfMigrations(): string {
  const root = mkdtempSync(join(tmpdir(), 'keyplane-status-'));
  scratch.push(root);
  const dir = join(root, 'migrations');
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const committed = loadMigrationList().migrationDirectories.map((d) => d.path);

describe('scriptMatchesChecksum', () => {
  it('is SHA-256 hex of the script, either line ending, and accepts the old unpadded hex', () => {
    const sha = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
    expect(scriptMatchesChecksum('hello', sha)).toBe(true);
    expect(scriptMatchesChecksum('hello ', sha)).toBe(false);
    const lf = 'CREATE TABLE a ();\nSELECT 1;\n';
    const crlf = lf.replaceAll('\n', '\r\n');
    const hash = createHashHex;
    expect(scriptMatchesChecksum(crlf, hash(lf))).toBe(true);
    expect(scriptMatchesChecksum(lf, hash(crlf))).toBe(true);
    // "{byte:x}" without zero padding, as an old engine wrote it.
    const unpadded = Array.from(Buffer.from(hash('abc'), 'hex'), (b) => b.toString(16)).join('');
    expect(unpadded.length).toBeLessThan(64);
    expect(scriptMatchesChecksum('abc', unpadded)).toBe(true);
  });
});

describe.each(availableBackends())('migrationStatus agrees with the schema engine on %s', (backend) => {
  it('matches the checksums Prisma wrote (SHA-256 of migration.sql)', async () => {
    const db = await createTestDatabase(backend);
    try {
      const rows = await db.prisma.$queryRaw<{ migration_name: string; checksum: string }[]>`
        SELECT migration_name, checksum FROM _prisma_migrations ORDER BY started_at`;
      expect(rows.map((r) => r.migration_name)).toEqual(committed);
      for (const row of rows) {
        expect(row.checksum).toBe(createHashHex(readFileSync(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'))));
      }
    } finally {
      await db.close();
    }
  });

  it('empty, failed, rolled back, diverged and CRLF histories', async () => {
    const db = await createTestDatabase(backend, { empty: true });
    const both = async (migrationsDir?: string) => {
      const paths = migrationsDir ? { migrationsDir } : {};
      const sql = await migrationStatus(db, paths);
      expect(sql).toEqual(await engineMigrationStatus(db, paths));
      return sql;
    };
    try {
      expect(await both()).toEqual({ upToDate: false, pending: committed, edited: [], failed: [], unknown: [] });
      await applyMigrations(db);
      expect(await both()).toEqual({ upToDate: true, pending: [], edited: [], failed: [], unknown: [] });

      // CRLF checkout of the same files: not edited.
      const crlf = copyOfMigrations();
      for (const name of committed) {
        const file = join(crlf, name, 'migration.sql');
        writeFileSync(file, readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
      }
      expect((await both(crlf)).upToDate).toBe(true);

      // A migration that failed: recorded, never finished (what the engine writes when its SQL fails).
      const broken = copyOfMigrations();
      const brokenName = '20990101000000_broken';
      mkdirSync(join(broken, brokenName));
      writeFileSync(join(broken, brokenName, 'migration.sql'), 'SELECT 1;\n');
      mkdirSync(join(broken, '20990102000000_after'));
      writeFileSync(join(broken, '20990102000000_after', 'migration.sql'), 'SELECT 2;\n');
      const checksum = createHashHex('SELECT 1;\n');
      await db.prisma.$executeRaw`
        INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
        VALUES ('00000000-0000-4000-8000-000000000001', ${checksum}, ${brokenName}, now(), 0)`;
      expect(await both(broken)).toEqual({
        upToDate: false,
        pending: ['20990102000000_after'],
        edited: [],
        failed: [brokenName],
        unknown: [],
      });
      // …and not in the folder at all.
      expect(await both()).toEqual({ upToDate: false, pending: [], edited: [], failed: [brokenName], unknown: [brokenName] });

      // Rolled back (what `migrate resolve --rolled-back` records): pending again, neither failed nor unknown.
      await db.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${brokenName}`;
      expect(await both(broken)).toEqual({
        upToDate: false,
        pending: [brokenName, '20990102000000_after'],
        edited: [],
        failed: [],
        unknown: [],
      });
      expect(await both()).toEqual({ upToDate: true, pending: [], edited: [], failed: [], unknown: [] });

      // Diverged: the folder lacks one the database recorded and has one it did not.
      const diverged = copyOfMigrations();
      const last = committed.at(-1) as string;
      mkdirSync(join(diverged, '20990103000000_other'));
      writeFileSync(join(diverged, '20990103000000_other', 'migration.sql'), 'SELECT 3;\n');
      rmSync(join(diverged, last), { recursive: true });
      expect(await both(diverged)).toEqual({ upToDate: false, pending: ['20990103000000_other'], edited: [], failed: [], unknown: [last] });
    } finally {
      await db.close();
    }
  });
});

function createHashHex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
