import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isProviderId } from '../shared/catalog/providers.js';
import type { Config } from './config.js';
import { secureDataDir } from './db/data-dir.js';
import { lockDataDir } from './db/data-dir-lock.js';
import { type Database, openDatabase } from './db/database.js';
import { applyMigrationsInWorker } from './db/migrate-in-worker.js';
import { applyMigrations, type MigrationPaths, migrationStatus } from './db/migrations.js';
import { envFlagOverrides } from './domain/flags/feature-flag.service.js';
import { createServices, type Services } from './domain/services.js';
import { UsageRollupJob } from './domain/usage/usage-rollup-job.js';
import { WebhookDispatcher } from './domain/webhooks/webhook-dispatcher.js';
import { createGateway, type Gateway } from './gateway/gateway.js';
import { buildApp } from './http/app.js';
import { createLogger, type Logger } from './observability/logger.js';
import { startTracing } from './observability/tracing.js';
import { WEB_ROOT } from './paths.js';
import { createPlatform } from './platform.js';
import { resolveKeyRing } from './secrets/key-ring.js';
import { randomBase62 } from './secrets/tokens.js';

export interface RunningServer {
  app: FastifyInstance;
  db: Database;
  services: Services;
  gateway: Gateway;
  logger: Logger;
  /** Set on the first start against an empty database: how to sign in. */
  createdOperator: { email: string; password: string; generated: boolean } | null;
  close(): Promise<void>;
}

export interface CreateServerOptions {
  /** An open database (tests pass one); otherwise opened from the config. */
  db?: Database;
  logger?: Logger;
  webRoot?: string;
  /** Schema and migrations folder to apply and check (default: prisma/). */
  migrations?: MigrationPaths;
}

/** Config → database (migrated) → services → HTTP app. Does not listen. */
export async function createServer(config: Config, options: CreateServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Embedded: the data dir (database and generated key) is owner-only before anything writes
  // to it, and again once the database was created and first used (see secureDataDir).
  const embedded = !config.databaseUrl && !options.db;
  if (embedded) secureDataDir(config.dataDir);
  // Before PGlite opens: a second process on the same data dir would crash inside it.
  const unlockDataDir = embedded ? lockDataDir(config.dataDir, 'server') : () => {};
  const keyRing = resolveKeyRing(config);
  // A database passed in (tests) is migrated in-process through it.
  const dataDir = join(config.dataDir, 'db');
  let db: Database;
  try {
    db = options.db ?? (await openMigrated(config, dataDir, options.migrations ?? {}, logger));
  } catch (error) {
    unlockDataDir();
    throw error;
  }
  try {
    const applied = options.db ? await applyMigrations(db, options.migrations) : [];
    if (applied.length > 0) logger.info({ applied }, 'Applied database migrations');
    const platform = createPlatform(config, logger);
    await platform.state.ready();
    const services = createServices({
      prisma: db.prisma,
      direct: db.lookups,
      keyRing,
      providers: { has: isProviderId },
      envFlagOverrides: envFlagOverrides(config.hostedKeyLlm),
      state: platform.state,
      hostedKeyNames: platform.hostedKeyNames,
      envKeyNames: platform.envKeyNames,
      allowPrivateUpstreams: config.allowPrivateUpstreams,
      publicUrl: config.publicUrl,
      configChanges: db.configChanges(logger),
      reportLimits: { msPerMinute: config.usageReportMsPerMinute },
    });
    const createdOperator = await services.auth.bootstrap({
      email: config.admin.email,
      password: config.admin.password,
      token: config.admin.token,
      generatePassword: () => randomBase62(20),
      warn: (message) => logger.warn(message),
    });
    if (embedded) secureDataDir(config.dataDir);
    const tracing = await startTracing(config.tracing, logger);
    const gateway = createGateway(config, db, services, platform, logger, keyRing, tracing, {
      intentDir: embedded ? join(config.dataDir, 'intents') : null,
    });
    const app = await buildApp({
      db,
      services,
      gateway,
      logger,
      keyRing,
      metricsToken: config.metricsToken,
      webRoot: options.webRoot ?? WEB_ROOT,
      secureCookies: config.publicUrl.startsWith('https:'),
      requestTimeoutMs: config.httpRequestTimeoutMs,
      trustProxy: config.trustProxy,
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
    const usageRollups =
      config.usageRollupIntervalMs > 0
        ? new UsageRollupJob(db.prisma, {
            intervalMs: config.usageRollupIntervalMs,
            onError: (err) => logger.error({ err }, 'Usage rollup failed; will retry'),
          })
        : null;
    usageRollups?.start();
    // Alerts go out off the request path, from the outbox settlement writes them to.
    const webhooks =
      config.webhooks.intervalMs > 0
        ? new WebhookDispatcher(db.prisma, keyRing, logger, gateway.metrics, {
            intervalMs: config.webhooks.intervalMs,
            retryBaseMs: config.webhooks.retryBaseMs,
            allowPrivate: config.allowPrivateUpstreams,
          })
        : null;
    webhooks?.start();
    return {
      app,
      db,
      services,
      gateway,
      logger,
      createdOperator,
      /** Stop accepting, finish requests in flight, write every settlement, then close. */
      close: async () => {
        // Fastify waits for requests in flight (streams included); past the bound, cut them
        // off — they settle as CANCELLED — so a stuck client cannot hold shutdown forever.
        const cutOff = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
        await app.close();
        clearTimeout(cutOff);
        const unwritten = await gateway.close();
        if (unwritten > 0) logger.error({ unwritten }, 'Usage records could not be written before shutdown');
        await webhooks?.stop();
        // Roll up what the gateway just wrote, so the rollups hold every settled request.
        await usageRollups?.stop();
        await usageRollups?.runOnce({ wait: true }).catch((err: unknown) => logger.error({ err }, 'Usage rollup failed at shutdown'));
        // After every request settled: their spans are ended; export what is still queued.
        await tracing.shutdown();
        await platform.state.close();
        await db.close();
        unlockDataDir();
      },
    };
  } catch (error) {
    await db.close();
    unlockDataDir();
    throw error;
  }
}

/**
 * The configured database, migrated. Migrations run in a worker thread (the schema engine's
 * memory leaves with it), and only when the migrations table says something is pending: a
 * restart with nothing new skips the engine (about 3 s). The worker must open an embedded data
 * dir alone, so the server's own handle is closed around it.
 */
async function openMigrated(config: Config, dataDir: string, paths: MigrationPaths, logger: Logger): Promise<Database> {
  const open = () => openDatabase({ url: config.databaseUrl, dataDir });
  const db = await open();
  // A new database has no migrations table yet: that, too, is "not up to date".
  const status = await migrationStatus(db, paths).catch(() => null);
  if (status?.upToDate) return db;
  await db.close();
  const applied = await applyMigrationsInWorker({ url: config.databaseUrl, dataDir, paths });
  if (applied.length > 0) logger.info({ applied }, 'Applied database migrations');
  return open();
}
