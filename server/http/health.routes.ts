import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import { type MigrationPaths, type MigrationStatus, migrationStatus } from '../db/migrations.js';

const CACHE_MS = 5_000;

/** /healthz: the process is up. /readyz: the database answers and its migrations match the code. */
export function registerHealthRoutes(app: FastifyInstance, db: Database, migrations: MigrationPaths = {}): void {
  let cached: { at: number; status: MigrationStatus } | null = null;

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      await db.prisma.$queryRaw`SELECT 1`;
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
    try {
      // Plain SQL against _prisma_migrations plus hashing the migration files: cheap, but
      // probes come often, so at most once per CACHE_MS.
      if (!cached || Date.now() - cached.at > CACHE_MS) cached = { at: Date.now(), status: await migrationStatus(db, migrations) };
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
    return reply.code(upToDate ? 200 : 503).send({
      status: upToDate ? 'ready' : 'unavailable',
      database: 'ok',
      migrations: { upToDate, pending, edited, failed, unknown, problems },
    });
  });
}
