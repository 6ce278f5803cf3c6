/**
 * The servers under test, each in its own child process: the upstream simulator (fast mode),
 * the bare proxy, Portkey's gateway, and keyplane (compiled), plus keyplane's tenant setup.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, freePort, HOST, ROOT, runNode, spawnChild, tempDir } from './processes.js';

export const PLATFORM_KEY = 'sk-bench-platform-0000000000000000';
export const BUILD_DIR = join(ROOT, 'dist', '.bench');
export const KEYPLANE_MAIN = join(BUILD_DIR, 'server', 'main.js');

/**
 * How `npm start` runs the server — its environment defaults (`NAME=${NAME:-value}`) and node
 * flags, read from package.json's start script — so the bench measures what users run.
 */
export function startRuntime(): { env: Record<string, string>; nodeFlags: string[] } {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = (scripts.start ?? '').split('&&').pop()?.trim().split(/\s+/) ?? [];
  const env: Record<string, string> = {};
  const nodeFlags: string[] = [];
  for (const word of command) {
    const assignment = /^(\w+)=(?:\$\{\w+:-([^}]*)\}|(.*))$/.exec(word);
    if (assignment) env[assignment[1] as string] = process.env[assignment[1] as string] ?? assignment[2] ?? assignment[3] ?? '';
    else if (word.startsWith('--')) nodeFlags.push(word);
  }
  return { env, nodeFlags };
}
const TSX = ['--import', 'tsx'];

export async function startSimulator(): Promise<{ child: Child; url: string; openaiBase: string }> {
  const port = await freePort();
  const child = await spawnChild({
    name: 'simulator',
    args: [...TSX, 'tools/simulator/simulate-cli.ts', '--port', String(port), '--host', HOST, '--fast'],
    port,
  });
  const url = `http://${HOST}:${port}`;
  return { child, url, openaiBase: `${url}/openai/v1` };
}

export async function startBareProxy(openaiBase: string, options: { cpuProfDir?: string } = {}): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = await spawnChild({
    name: 'bare-proxy',
    args: [
      ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
      ...TSX,
      'bench/bare-proxy.ts',
      '--port',
      String(port),
      '--upstream',
      openaiBase,
    ],
    port,
  });
  return { child, url: `http://${HOST}:${port}` };
}

/** The floor (bench/floor-proxy.ts): the bare proxy plus the work keyplane's guarantees require, on PostgreSQL. */
export async function startFloorProxy(openaiBase: string, databaseUrl: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = await spawnChild({
    name: 'floor-proxy',
    args: [
      ...TSX,
      'bench/floor-proxy.ts',
      '--port',
      String(port),
      '--upstream',
      openaiBase,
      '--database',
      databaseUrl,
      '--key',
      PLATFORM_KEY,
    ],
    port,
  });
  return { child, url: `http://${HOST}:${port}` };
}

export const PORTKEY_START = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

/** Portkey's gateway, or null when the package is not installed. Note: it takes `--port=N` (with "="). */
export async function startPortkey(): Promise<{ child: Child; url: string } | null> {
  if (!existsSync(PORTKEY_START)) return null;
  const port = await freePort();
  const child = await spawnChild({
    name: 'portkey',
    args: ['--import', join(ROOT, 'bench', 'loopback-only.mjs'), PORTKEY_START, `--port=${port}`, '--headless'],
    port,
    startTimeoutMs: 30_000,
  });
  return { child, url: `http://${HOST}:${port}` };
}

/** `tsc -p tsconfig.build.json` into dist/.bench (so a build of ours never races the lead's dist/). */
export async function buildKeyplane(): Promise<{ ms: number; warnings: string }> {
  const started = Date.now();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let warnings = '';
  try {
    await runNode('tsc', [tsc, '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], {}, 240_000);
  } catch (error) {
    // Type errors still emit JavaScript; only a missing output is fatal.
    warnings = String(error).split('\n').slice(0, 8).join('\n');
  }
  if (!existsSync(KEYPLANE_MAIN) || statSync(KEYPLANE_MAIN).mtimeMs < started - 1_000) {
    throw new Error(`keyplane did not compile to ${KEYPLANE_MAIN}:\n${warnings}`);
  }
  return { ms: Date.now() - started, warnings };
}

export interface KeyplaneEnv {
  label: string;
  /** Unset: embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  adminToken: string;
  encryptionKey: string;
  openaiBase: string;
  /** More server environment, kept across restarts (the production profile's Redis and metrics token). */
  serverEnv?: Record<string, string>;
}

export function keyplaneEnv(label: string, openaiBase: string, databaseUrl?: string, serverEnv?: Record<string, string>): KeyplaneEnv {
  return {
    label,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(serverEnv ? { serverEnv } : {}),
    dataDir: tempDir(label.replace(/\W+/g, '-')),
    adminToken: `bench-admin-${randomBytes(12).toString('hex')}`,
    encryptionKey: randomBytes(32).toString('base64'),
    openaiBase,
  };
}

export async function startKeyplane(
  env: KeyplaneEnv,
  options: { cpuProfDir?: string; nodeArgs?: string[]; extraEnv?: Record<string, string> } = {},
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const runtime = startRuntime();
  const child = await spawnChild({
    name: `keyplane (${env.label})`,
    args: [
      ...runtime.nodeFlags,
      ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
      ...(options.nodeArgs ?? []),
      KEYPLANE_MAIN,
    ],
    env: {
      ...runtime.env,
      PORT: String(port),
      HOST,
      DATABASE_URL: env.databaseUrl ?? '',
      KEYPLANE_DATA_DIR: env.dataDir,
      KEYPLANE_ADMIN_TOKEN: env.adminToken,
      KEYPLANE_ADMIN_PASSWORD: 'bench-password-123',
      KEYPLANE_ENCRYPTION_KEY: env.encryptionKey,
      OPENAI_BASE_URL: env.openaiBase,
      OPENAI_API_KEY: PLATFORM_KEY,
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      HOSTED_KEY_LLM: '',
      ...env.serverEnv,
      ...options.extraEnv,
    },
    port,
    startTimeoutMs: 120_000,
  });
  return { child, url: `http://${HOST}:${port}` };
}

export async function graphql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const json = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (json.errors?.length || !json.data) throw new Error(`GraphQL failed: ${JSON.stringify(json.errors ?? json).slice(0, 500)}`);
  return json.data;
}

export interface Tenants {
  organizationId: string;
  projectId: string;
  /** CREDITS project: env platform key, credits reserved and settled per request. */
  creditsKey: string;
  /** A second CREDITS key used only by the usage-write check. */
  writerKey: string;
  writerKeyId: string;
  /** API_KEYS project with a stored BYOK OpenAI key (no credit reservation). */
  byokKey: string;
}

/** A new organization through GraphQL; its id. */
export async function createOrganization(url: string, token: string, name: string): Promise<string> {
  const { createOrganization } = await graphql<{ createOrganization: { id: string } }>(
    url,
    token,
    'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
    { i: { name } },
  );
  return createOrganization.id;
}

/** A new project of `organizationId` in `mode`; its id. */
export async function createProject(url: string, token: string, organizationId: string, name: string, mode: string): Promise<string> {
  const { createProject } = await graphql<{ createProject: { id: string } }>(
    url,
    token,
    'mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }',
    { i: { organizationId, name, mode } },
  );
  return createProject.id;
}

/** A new gateway key in `projectId`: its secret and id. */
export async function createGatewayKey(
  url: string,
  token: string,
  projectId: string,
  name: string,
): Promise<{ secret: string; id: string }> {
  const { createGatewayKey } = await graphql<{ createGatewayKey: { secret: string; key: { id: string } } }>(
    url,
    token,
    'mutation($i: CreateGatewayKeyInput!) { createGatewayKey(input: $i) { secret key { id } } }',
    { i: { projectId, name } },
  );
  return { secret: createGatewayKey.secret, id: createGatewayKey.key.id };
}

async function addCredits(url: string, token: string, organizationId: string, amountUsd: string): Promise<void> {
  await graphql(url, token, 'mutation($i: AddCreditsInput!) { addCredits(input: $i) { entry { id } } }', {
    i: { organizationId, amountUsd, note: 'bench' },
  });
}

/** A realistic path through the control plane: organization, credits, CREDITS project, keys; and a BYOK project. */
export async function setupTenants(url: string, token: string): Promise<Tenants> {
  const organizationId = await createOrganization(url, token, 'Bench Org');
  await addCredits(url, token, organizationId, '1000000');
  const projectId = await createProject(url, token, organizationId, 'Bench credits', 'CREDITS');
  const byokProject = await createProject(url, token, organizationId, 'Bench BYOK', 'API_KEYS');
  await graphql(url, token, 'mutation($i: SetProviderKeyInput!) { setProviderKey(input: $i) { id } }', {
    i: { organizationId, provider: 'openai', key: 'sk-bench-byok-1111111111111111' },
  });
  const credits = await createGatewayKey(url, token, projectId, 'bench');
  const writer = await createGatewayKey(url, token, projectId, 'bench-writer');
  const byok = await createGatewayKey(url, token, byokProject, 'bench-byok');
  return { organizationId, projectId, creditsKey: credits.secret, writerKey: writer.secret, writerKeyId: writer.id, byokKey: byok.secret };
}

/**
 * `count` more tenants, each an organization with credits, a CREDITS project and a gateway key,
 * made `parallel` at a time: what a gateway with many active tenants holds in its caches.
 */
export async function setupManyTenants(url: string, token: string, count: number, parallel = 8): Promise<string[]> {
  const one = async (index: number) => {
    const organizationId = await createOrganization(url, token, `Bench tenant ${index}`);
    await addCredits(url, token, organizationId, '1000');
    const projectId = await createProject(url, token, organizationId, 'p', 'CREDITS');
    return (await createGatewayKey(url, token, projectId, 'k')).secret;
  };
  const secrets: string[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => one(start + i));
    secrets.push(...(await Promise.all(batch)));
  }
  return secrets;
}

/** The tags every production-profile request sends (x-keyplane-tags); the first has a budget. */
export const PRODUCTION_TAGS = 'team:bench,env:prod';

/**
 * The production profile's key, as an operator would run one: in the CREDITS project, with an
 * rpm limit and a monthly budget, and a monthly budget on its first tag — all far above what the
 * bench spends, so every request is checked, held and settled against them but never refused.
 */
export async function setupProductionKey(url: string, token: string, tenants: Tenants): Promise<string> {
  const { createGatewayKey } = await graphql<{ createGatewayKey: { secret: string } }>(
    url,
    token,
    'mutation($i: CreateGatewayKeyInput!) { createGatewayKey(input: $i) { secret } }',
    { i: { projectId: tenants.projectId, name: 'bench-production', rpmLimit: 1_000_000, budgetUsd: '100000', budgetPeriod: 'MONTHLY' } },
  );
  await graphql(url, token, 'mutation($i: SetAttributionBudgetInput!) { setAttributionBudget(input: $i) { id } }', {
    i: { projectId: tenants.projectId, scope: 'TAG', value: PRODUCTION_TAGS.split(',')[0], budgetUsd: '100000', budgetPeriod: 'MONTHLY' },
  });
  return createGatewayKey.secret;
}

/** One request through keyplane to check the path works before loading it. */
export async function smokeTest(url: string, gatewayKey: string): Promise<void> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`keyplane smoke request failed: ${response.status} ${text.slice(0, 300)}`);
}
