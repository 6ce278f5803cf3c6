import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../server/config.js';
import type { MigrationPaths } from '../../server/db/migrations.js';
import { createLogger } from '../../server/observability/logger.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { createServer, type RunningServer } from '../../server/server.js';
import { type Backend, createTestDatabase, type TestDatabaseOptions } from './test-database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

export interface TestServer {
  url: string;
  backend: Backend;
  server: RunningServer;
  /** Every log line the server wrote. */
  logs: string[];
  /** Every response body this helper received. */
  responses: string[];
  /** POST /graphql with an access token (default: the operator's). */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResult<T>>;
  /** Like gql, but fails the test on any error, returning data. */
  gqlOk<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<T>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions extends TestDatabaseOptions {
  /** Schema and migrations the server applies and /readyz checks (default: prisma/). */
  migrations?: MigrationPaths;
  /** A built dashboard to serve at / (default: dist/web). */
  webRoot?: string;
}

/** The real server, on its own fresh database and an ephemeral port. */
export async function startTestServer(
  backend: Backend,
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-test-data-'));
  const db = await createTestDatabase(backend, options);
  const logs: string[] = [];
  const responses: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    KEYPLANE_DATA_DIR: dataDir,
    KEYPLANE_ADMIN_TOKEN: ADMIN_TOKEN,
    KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey(),
    LOG_LEVEL: 'info',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...env,
  });
  const server = await createServer(config, {
    db,
    logger: createLogger({ level: 'info', destination: capture }),
    ...(options.migrations ? { migrations: options.migrations } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });

  const fetchText = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${address}${path}`, init);
    const body = await response.text();
    responses.push(body);
    return new Response(body, { status: response.status, headers: response.headers });
  };

  const gql: TestServer['gql'] = async (query, variables, token = ADMIN_TOKEN) => {
    const response = await fetchText('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...(await response.json()) };
  };

  return {
    url: address,
    backend,
    server,
    logs,
    responses,
    gql,
    async gqlOk(query, variables, token) {
      const result = await gql(query, variables, token);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as never;
    },
    fetch: fetchText,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
