import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import type { Database } from './database.js';
import { openDatabase } from './database.js';
import { PROJECT_ROOT } from '../paths.js';
import { openSchemaEngine, type SchemaFile } from './schema-engine.js';

export const DEFAULT_SCHEMA_PATH = join(PROJECT_ROOT, 'prisma', 'schema.prisma');
export const DEFAULT_MIGRATIONS_DIR = join(PROJECT_ROOT, 'prisma', 'migrations');
const NO_FILTERS = { externalTables: [], externalEnums: [] };

export interface MigrationPaths {
  schemaPath?: string;
  migrationsDir?: string;
}

/** What `migrate deploy` would see: pending, edited or failed migrations. */
export interface MigrationStatus {
  upToDate: boolean;
  pending: string[];
  edited: string[];
  failed: string[];
  /** Applied to the database but missing from the migrations folder. */
  unknown: string[];
}

function readSchema(paths: MigrationPaths): SchemaFile {
  const path = paths.schemaPath ?? DEFAULT_SCHEMA_PATH;
  return { path, content: readFileSync(path, 'utf8') };
}

/** The committed migration history, as the engine wants it. */
export function loadMigrationList(migrationsDir = DEFAULT_MIGRATIONS_DIR): MigrationList {
  const directories = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : 'provider = "postgresql"\n' },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file) ? { tag: 'ok', value: readFileSync(file, 'utf8') } : { tag: 'error', value: `missing ${file}` },
        },
      };
    }),
  };
}

async function withEngine<T>(db: Database, paths: MigrationPaths, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  // Freeing the engine does not close the connections it opened; track and dispose them,
  // or every /readyz probe would leak a PostgreSQL connection.
  const opened: { dispose(): Promise<void> }[] = [];
  const track = async <A extends { dispose(): Promise<void> }>(adapter: Promise<A>) => {
    const ready = await adapter;
    opened.push(ready);
    return ready;
  };
  const factory = db.adapterFactory;
  const tracking: typeof factory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb()),
  };
  const engine = await openSchemaEngine(tracking, readSchema(paths));
  try {
    return await run(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => {})));
  }
}

/** Apply every committed migration not yet applied (what `prisma migrate deploy` does). Idempotent. */
export async function applyMigrations(db: Database, paths: MigrationPaths = {}): Promise<string[]> {
  return withEngine(db, paths, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: loadMigrationList(paths.migrationsDir), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

export async function migrationStatus(db: Database, paths: MigrationPaths = {}): Promise<MigrationStatus> {
  return withEngine(db, paths, async (engine) => {
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList: loadMigrationList(paths.migrationsDir),
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    const history = diagnosis.history;
    const pending = history && history.diagnostic !== 'migrationsDirectoryIsBehind' ? history.unappliedMigrationNames : [];
    const unknown = history && history.diagnostic !== 'databaseIsBehind' ? history.unpersistedMigrationNames : [];
    const edited = diagnosis.editedMigrationNames;
    const failed = diagnosis.failedMigrationNames;
    return {
      upToDate: pending.length === 0 && unknown.length === 0 && edited.length === 0 && failed.length === 0 && diagnosis.hasMigrationsTable,
      pending: diagnosis.hasMigrationsTable ? pending : loadMigrationList(paths.migrationsDir).migrationDirectories.map((d) => d.path),
      edited,
      failed,
      unknown,
    };
  });
}

/**
 * Write a new migration with the SQL that takes the committed history to the current schema
 * (what `prisma migrate dev --create-only` does). The engine's own createMigration needs a
 * shadow database; a scratch in-memory PGlite plays that part. Returns null when nothing changed.
 */
export async function createMigration(name: string, paths: MigrationPaths = {}, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('Migration name must be lower-case letters, digits and underscores');
  const migrationsDir = paths.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const schema = readSchema(paths);
  const scratch = await openDatabase({ pglite: await PGlite.create() });
  try {
    return await withEngine(scratch, paths, async (engine) => {
      await engine.applyMigrations({ migrationsList: loadMigrationList(migrationsDir), filters: NO_FILTERS });
      const diff = await engine.diff({
        from: { tag: 'schemaDatasource', files: [schema], configDir: PROJECT_ROOT },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: false,
        filters: NO_FILTERS,
      });
      const sql = (diff.stdout ?? '').trim();
      if (!sql || sql.startsWith('-- This is an empty migration.')) return null;
      const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
      const dir = join(migrationsDir, `${stamp}_${name}`);
      mkdirSync(dir, { recursive: true });
      if (!existsSync(join(migrationsDir, 'migration_lock.toml'))) {
        writeFileSync(
          join(migrationsDir, 'migration_lock.toml'),
          '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
        );
      }
      writeFileSync(join(dir, 'migration.sql'), `${sql}\n`);
      return dir;
    });
  } finally {
    await scratch.close();
  }
}
