import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | NodeJS.Signals>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * What a server process under test runs with: every provider's base URL at the simulator (`simulatorEnv`),
 * `platformKey` as the platform's OpenAI key, its PostgreSQL database and data dir, the operator token.
 */
export function serverProcessEnv(options: {
  simulatorEnv: Record<string, string>;
  platformKey: string;
  databaseUrl: string;
  dataDir: string;
  adminToken: string;
}): Record<string, string> {
  return {
    ...options.simulatorEnv,
    OPENAI_API_KEY: options.platformKey,
    DATABASE_URL: options.databaseUrl,
    KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey(),
    KEYPLANE_ADMIN_TOKEN: options.adminToken,
    KEYPLANE_DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
  };
}

/** `keyplane` as its own process (the way `npm start` runs it), for signal and crash tests; `nodeArgs` go before the script. */
export async function startServerProcess(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)));
  const url = `http://127.0.0.1:${port}`;
  // A first start on an empty embedded database migrates it: over a minute on two busy cores.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keyplane exited during start-up:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`keyplane did not start within 180 s:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child, output, exited };
}

/**
 * Over a running server's GraphQL (as the operator token): an organization with `credits`, a
 * CREDITS project and a gateway key. Any GraphQL error fails the calling test.
 */
export async function createCreditsTenant(url: string, adminToken: string, credits = '100'): Promise<{ org: string; key: string }> {
  const gql = async (query: string, variables?: object) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data;
  };
  const org = (await gql('mutation { createOrganization(input:{name:"Tenant"}) { id } }')).createOrganization.id as string;
  await gql('mutation($o:ID!,$a:Decimal!){ addCredits(input:{organizationId:$o, amountUsd:$a}) { entry { id } } }', { o: org, a: credits });
  const project = (await gql('mutation($o:ID!){ createProject(input:{organizationId:$o, name:"p", mode: CREDITS}) { id } }', { o: org }))
    .createProject.id;
  const created = await gql('mutation($p:ID!){ createGatewayKey(input:{projectId:$p, name:"k"}) { secret } }', { p: project });
  return { org, key: created.createGatewayKey.secret as string };
}
