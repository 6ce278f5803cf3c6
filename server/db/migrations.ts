import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { PROJECT_ROOT } from '../paths.js';
import type { Database } from './database.js';
import { openDatabase } from './database.js';
import type { SchemaFile } from './schema-engine.js';

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

/**
 * Runs `run` with a schema engine. The engine (WebAssembly) is imported on first use only: the
 * server applies migrations in a worker thread (migrate-in-worker.ts) and checks them in plain
 * SQL (migrationStatus), so its own heap never holds it.
 */
async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  // Freeing the engine does not close the connections it opened; track and dispose them,
  // or every /readyz probe would leak a PostgreSQL connection.
  const opened: { dispose(): Promise<void> }[] = [];
  const track = async <A extends { dispose(): Promise<void> }>(adapter: Promise<A>) => {
    const ready = await adapter;
    opened.push(ready);
    return ready;
  };
  const tracking: typeof factory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb()),
  };
  const { openSchemaEngine } = await import('./schema-engine.js');
  const engine = await openSchemaEngine(tracking, readSchema(paths));
  try {
    return await run(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => {})));
  }
}

/** Apply every committed migration not yet applied (what `prisma migrate deploy` does). Idempotent. */
export async function applyMigrations(db: Pick<Database, 'adapterFactory'>, paths: MigrationPaths = {}): Promise<string[]> {
  return withEngine(db.adapterFactory, paths, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: loadMigrationList(paths.migrationsDir), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

/** A row of Prisma's migrations table, as `migrate deploy` and `migrate status` read it. */
interface MigrationRecord {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Prisma's checksum of a migration script: SHA-256 hex of its UTF-8 bytes. Like the schema
 * engine, a script also matches with its line endings converted either way (git may have
 * checked it out with CRLF), and against the non-zero-padded hex an old engine wrote.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const padded = checksum.length === 0 || checksum.length === 64;
  const render = (text: string) => {
    const digest = createHash('sha256').update(text, 'utf8').digest();
    return padded ? digest.toString('hex') : Array.from(digest, (byte) => byte.toString(16)).join('');
  };
  return [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')].some((text) => render(text) === checksum);
}

/**
 * What `migrate deploy` would see: pending, edited, failed and unknown migrations. Plain SQL
 * over `_prisma_migrations` with the schema engine's own rules (diagnoseMigrationHistory without
 * a shadow database), so /readyz needs no engine. Rows marked rolled back count as absent (as in
 * the engine: `migrate resolve --rolled-back` makes a migration pending again). Of the rest, a
 * migration is pending when no row has its name, edited when the first row of its name has
 * another checksum, failed when its row never finished; a row is unknown when no migration
 * folder has its name.
 */
export async function migrationStatus(db: Pick<Database, 'prisma'>, paths: MigrationPaths = {}): Promise<MigrationStatus> {
  const list = loadMigrationList(paths.migrationsDir);
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(list.lockfile.content ?? '')?.[1];
  if (provider && provider !== 'postgresql') {
    throw new Error(`The migrations in ${list.baseDir} are for provider "${provider}", not postgresql (migration_lock.toml)`);
  }
  const [table] = await db.prisma.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`;
  const hasMigrationsTable = table?.present === true;
  const records = hasMigrationsTable
    ? await db.prisma.$queryRaw<MigrationRecord[]>`
        SELECT migration_name, checksum, finished_at FROM public._prisma_migrations
        WHERE rolled_back_at IS NULL ORDER BY started_at ASC`
    : [];
  const folders = new Set(list.migrationDirectories.map((d) => d.path));
  const pending: string[] = [];
  const edited: string[] = [];
  for (const directory of list.migrationDirectories) {
    const record = records.find((r) => r.migration_name === directory.path);
    if (!record) {
      pending.push(directory.path);
      continue;
    }
    const file = directory.migrationFile.content;
    if (file.tag === 'error') throw new Error(`Cannot read migration ${directory.path}: ${file.value}`);
    if (!scriptMatchesChecksum(file.value, record.checksum)) edited.push(record.migration_name);
  }
  const failed = records.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  const unknown = records.filter((r) => !folders.has(r.migration_name)).map((r) => r.migration_name);
  return {
    upToDate: hasMigrationsTable && pending.length === 0 && unknown.length === 0 && edited.length === 0 && failed.length === 0,
    pending,
    edited,
    failed,
    unknown,
  };
}

/**
 * The same report from the schema engine's own `diagnoseMigrationHistory` (no shadow database).
 * The server does not use it (it loads the engine); tests check migrationStatus against it.
 */
export async function engineMigrationStatus(db: Pick<Database, 'adapterFactory'>, paths: MigrationPaths = {}): Promise<MigrationStatus> {
  return withEngine(db.adapterFactory, paths, async (engine) => {
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
  const { PGlite } = await import('@electric-sql/pglite');
  const scratch = await openDatabase({ pglite: await PGlite.create() });
  try {
    return await withEngine(scratch.adapterFactory, paths, async (engine) => {
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
