import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { IN_CI, TEST_REDIS_URL } from './test-env.js';

/** Whether the test Redis answers; in CI it must. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (IN_CI) throw new Error(`Redis at ${TEST_REDIS_URL} is required in CI: ${(error as Error).message}`);
    process.stderr.write(`\n[keyplane tests] SKIPPING Redis tests: Redis not reachable at ${TEST_REDIS_URL}\n`);
    return false;
  } finally {
    client.disconnect();
  }
}

/** A key namespace of its own, so parallel test files sharing one Redis never meet. */
export function uniqueRedisPrefix(): string {
  return `kptest:${randomBytes(6).toString('hex')}:`;
}

/** Delete everything under a prefix (after a test file). */
export async function clearRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
