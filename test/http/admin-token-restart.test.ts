/**
 * KEYPLANE_ADMIN_TOKEN across restarts: a revoked one stays revoked (the operator configures a
 * new value), and the startup log says so without printing the token. The real server, stopped
 * and started again on the same embedded data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/observability/logger.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { createServer, type RunningServer } from '../../server/server.js';

// The first start migrates a new data dir: seconds, far more on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const ADMIN_TOKEN = 'restart-admin-token-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-admin-token-'));
const encryptionKey = generateEncryptionKey();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(logs: string[]): Promise<RunningServer> {
  const config = loadConfig({
    PORT: '0',
    KEYPLANE_DATA_DIR: dataDir,
    KEYPLANE_ADMIN_TOKEN: ADMIN_TOKEN,
    KEYPLANE_ENCRYPTION_KEY: encryptionKey,
    LOG_LEVEL: 'info',
  });
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return createServer(config, { logger: createLogger({ level: 'info', destination }) });
}

async function gql<T = Record<string, unknown>>(server: RunningServer, query: string, variables: Record<string, unknown> = {}) {
  const response = await server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: JSON.stringify({ query, variables }),
  });
  return response.json() as { data?: T | null; errors?: { extensions?: { code?: string } }[] };
}

describe('KEYPLANE_ADMIN_TOKEN across restarts', () => {
  it('a revoked admin token stays revoked after a restart, with a warning that names no secret', async () => {
    const first = await start([]);
    try {
      const viewer = await gql<{ viewer: { accessTokens: { id: string; name: string }[] } }>(
        first,
        '{ viewer { accessTokens { id name } } }',
      );
      const envToken = viewer.data?.viewer.accessTokens.find((token) => token.name === 'KEYPLANE_ADMIN_TOKEN');
      expect(envToken).toBeDefined();
      const revoked = await gql(first, 'mutation($id: ID!) { revokeAccessToken(id: $id) { revokedAt } }', { id: envToken?.id });
      expect(revoked.errors).toBeUndefined();
    } finally {
      await first.close();
    }

    const logs: string[] = [];
    const second = await start(logs);
    try {
      const after = await gql(second, '{ viewer { id } }');
      expect(after.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      const warning = logs.find((line) => line.includes('KEYPLANE_ADMIN_TOKEN') && line.includes('revoked'));
      expect(warning, logs.join('')).toBeDefined();
      expect(JSON.parse(warning as string).level).toBe(40);
      expect(logs.join('')).not.toContain(ADMIN_TOKEN);
    } finally {
      await second.close();
    }
  });
});
