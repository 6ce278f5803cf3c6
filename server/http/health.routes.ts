import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import { type MigrationPaths, type MigrationStatus, migrationStatus } from '../db/migrations.js';
import { type UnreadableKeyVersion, unreadableKeyVersions } from '../domain/encryption/sealed-tables.js';
import type { KeyRing } from '../secrets/key-ring.js';

const CACHE_MS = 5_000;

/**
 * /healthz: the process is up. /readyz: the database answers, its migrations match the code,
 * and the key ring can open every stored secret (SEALED_TABLES: a lost or rotated-away key would
 * otherwise fail each BYOK request or webhook delivery while the instance reports ready).
 */
export function registerHealthRoutes(app: FastifyInstance, db: Database, keyRing: KeyRing, migrations: MigrationPaths = {}): void {
  let cached: { at: number; status: MigrationStatus; unreadable: UnreadableKeyVersion[] } | null = null;

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      await db.prisma.$queryRaw`SELECT 1`;
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
    try {
      // Plain SQL against _prisma_migrations plus hashing the migration files, and one GROUP BY
      // per sealed table: cheap, but probes come often, so at most once per CACHE_MS.
      if (!cached || Date.now() - cached.at > CACHE_MS) {
        const status = await migrationStatus(db, migrations);
        cached = { at: Date.now(), status, unreadable: status.upToDate ? await unreadableKeyVersions(db.prisma, keyRing) : [] };
      }
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', database: 'ok', migrations: { error: (error as Error).message } });
    }
    const { upToDate, pending, edited, failed, unknown } = cached.status;
    const problems = [
      ...pending.map((name) => `pending: ${name} (run: npx keyplane migrate)`),
      ...edited.map((name) => `edited after it was applied: ${name}`),
      ...failed.map((name) => `failed: ${name}`),
      ...unknown.map((name) => `applied but not in prisma/migrations: ${name}`),
    ];
    const encryption =
      cached.unreadable.length === 0
        ? { ok: true }
        : {
            ok: false,
            // Fingerprints are short public ids of keys (a hash prefix), never the keys themselves.
            problem: `Stored secrets are sealed with key(s) ${cached.unreadable
              .map(({ keyVersion, holds }) => `${keyVersion} (${holds.join(', ')})`)
              .join(', ')}, which the encryption key ring lacks (KEYPLANE_ENCRYPTION_KEY, or encryption.key in the data dir)`,
          };
    const ready = upToDate && encryption.ok;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      database: 'ok',
      migrations: { upToDate, pending, edited, failed, unknown, problems },
      encryption,
    });
  });
}
