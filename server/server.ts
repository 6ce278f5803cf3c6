import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isProviderId } from '../shared/catalog/providers.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { applyMigrationsInWorker } from './db/migrate-in-worker.js';
import { applyMigrations, type MigrationPaths } from './db/migrations.js';
import { envFlagOverrides } from './domain/flags/feature-flag.service.js';
import { createServices, type Services } from './domain/services.js';
import { UsageRollupJob } from './domain/usage/usage-rollup-job.js';
import { createGateway, type Gateway } from './gateway/gateway.js';
import { buildApp } from './http/app.js';
import { createLogger, type Logger } from './observability/logger.js';
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
  const keyRing = resolveKeyRing(config);
  // Migrations run in a worker thread (the schema engine's memory leaves with it), before the
  // server opens an embedded data dir the worker must open alone. A database passed in (tests)
  // is migrated in-process through it.
  const dataDir = join(config.dataDir, 'db');
  const migratedFirst = options.db ? [] : await applyMigrationsInWorker({ url: config.databaseUrl, dataDir, paths: options.migrations ?? {} });
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir }));
  try {
    const applied = options.db ? await applyMigrations(db, options.migrations) : migratedFirst;
    if (applied.length > 0) logger.info({ applied }, 'Applied database migrations');
    const platform = createPlatform(config, logger);
    await platform.state.ready();
    const services = createServices({
      prisma: db.prisma,
      keyRing,
      providers: { has: isProviderId },
      envFlagOverrides: envFlagOverrides(config.hostedKeyLlm),
      state: platform.state,
      hostedKeyNames: platform.hostedKeyNames,
    });
    const createdOperator = await services.auth.bootstrap({
      email: config.admin.email,
      password: config.admin.password,
      token: config.admin.token,
      generatePassword: () => randomBase62(20),
    });
    const gateway = createGateway(config, db, services, platform, logger);
    const app = await buildApp({
      db,
      services,
      gateway,
      logger,
      webRoot: options.webRoot ?? WEB_ROOT,
      requestTimeoutMs: config.httpRequestTimeoutMs,
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
    const usageRollups =
      config.usageRollupIntervalMs > 0
        ? new UsageRollupJob(db.prisma, { intervalMs: config.usageRollupIntervalMs, onError: (err) => logger.error({ err }, 'Usage rollup failed; will retry') })
        : null;
    usageRollups?.start();
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
        // Roll up what the gateway just wrote, so the rollups hold every settled request.
        await usageRollups?.stop();
        await usageRollups?.runOnce({ wait: true }).catch((err: unknown) => logger.error({ err }, 'Usage rollup failed at shutdown'));
        await platform.state.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
