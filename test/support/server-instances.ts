import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../server/db/database.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { clearRedisPrefix, uniqueRedisPrefix } from './redis.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { createTestDatabase } from './test-database.js';
import { TEST_REDIS_URL } from './test-env.js';

/** keyplane processes on one PostgreSQL database and one Redis, with the upstream simulator behind them all. */
export interface Instances {
  sim: UpstreamSimulator;
  db: Database & { url: string | undefined };
  a: ServerProcess;
  b: ServerProcess;
  /** One more process (or a killed one again) on the same database, Redis and secrets, calling upstream with `platformKey`. */
  start(platformKey: string): Promise<ServerProcess>;
  /** Stops every process still running (SIGTERM, and waits), then removes the database, simulator, Redis keys and data dir. */
  close(): Promise<void>;
}

/**
 * Instances A and B as separate processes, each calling upstream with its own platform OpenAI key
 * so the simulator can tell their calls apart (and stall one of them). `env` is added to both.
 */
export async function startInstances(options: {
  adminToken: string;
  platformKeys: readonly [a: string, b: string];
  env?: Record<string, string>;
}): Promise<Instances> {
  const prefix = uniqueRedisPrefix();
  const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-instances-'));
  const started: ServerProcess[] = [];
  let sim: UpstreamSimulator | undefined;
  let db: (Database & { url: string | undefined }) | undefined;
  const close = async () => {
    for (const server of started) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    await db?.close();
    await sim?.close();
    await clearRedisPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    sim = await startUpstreamSimulator();
    db = await createTestDatabase('postgres');
    const base = {
      ...sim.env(),
      DATABASE_URL: db.url as string,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey(),
      KEYPLANE_ADMIN_TOKEN: options.adminToken,
      KEYPLANE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const start = async (platformKey: string) => {
      const server = await startServerProcess({ ...base, OPENAI_API_KEY: platformKey });
      started.push(server);
      return server;
    };
    // One after the other: the first start bootstraps the database.
    const a = await start(options.platformKeys[0]);
    const b = await start(options.platformKeys[1]);
    return { sim, db, a, b, start, close };
  } catch (error) {
    await close();
    throw error;
  }
}
