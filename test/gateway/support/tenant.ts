/**
 * Terse set-up for gateway end-to-end tests: a real server on its own database, pointed at
 * an upstream simulator; tenants (organization → project → gateway key) made through the
 * GraphQL API; chat calls; usage records and the credit-ledger invariant read from the DB.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { generateKey, getProvider } from '../../../server/providers/registry.js';
import type { ProviderId } from '../../../shared/catalog.js';
import { toPico } from '../../../shared/money.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../../tools/simulator/upstream-simulator.js';
import type { Backend } from '../../support/test-database.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

export type Mode = 'API_KEYS' | 'CREDITS' | 'HYBRID';

export interface GatewayEnv {
  t: TestServer;
  sim: UpstreamSimulator;
  close(): Promise<void>;
}

/** A server whose every `<P>_BASE_URL` points at a fresh simulator, plus extra env. */
export async function startGatewayEnv(backend: Backend, env: Record<string, string> = {}): Promise<GatewayEnv> {
  const sim = await startUpstreamSimulator();
  const t = await startTestServer(backend, { ...sim.env(), ...env });
  return {
    t,
    sim,
    async close() {
      await t.close();
      await sim.close();
    },
  };
}

const unique = () => randomBytes(4).toString('hex');

/** A provider key in the registry's format for it, unique per call (so the simulator can tell callers apart). */
export function fakeKey(provider: ProviderId, tag = unique()): string {
  const body = (length: number) =>
    `${tag}${randomBytes(length).toString('hex')}`.replace(/[^A-Za-z0-9]/g, '').slice(0, Math.max(length, tag.length + 16));
  return generateKey(getProvider(provider)!.keyFormat, body);
}

export interface GatewayKeyOptions {
  rpmLimit?: number;
  budgetUsd?: string;
  budgetPeriod?: 'MONTHLY' | 'TOTAL';
  allowedModels?: string[];
  defaultTags?: string[];
  expiresAt?: string;
}

export interface TenantOptions {
  mode?: Mode;
  preferStoredKeys?: boolean;
  /** USD added to the organization's credits. */
  credits?: string;
  /** Stored BYOK keys by provider. */
  byok?: Record<string, string>;
  hostedCostMultiplier?: string;
  byokFeeRate?: string;
  /** hosted-key-llm override for this organization / project. */
  orgFlag?: boolean;
  projectFlag?: boolean;
  key?: GatewayKeyOptions;
}

export interface Tenant {
  organizationId: string;
  projectId: string;
  gatewayKeyId: string;
  secret: string;
  /** Another gateway key on the same project. */
  addKey(options?: GatewayKeyOptions): Promise<{ id: string; secret: string }>;
}

export async function createTenant(t: TestServer, options: TenantOptions = {}): Promise<Tenant> {
  const { createOrganization: org } = await t.gqlOk<{ createOrganization: { id: string } }>(
    'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
    { input: { name: `Org ${unique()}` } },
  );
  if (options.hostedCostMultiplier !== undefined || options.byokFeeRate !== undefined) {
    await t.gqlOk('mutation($id: ID!, $input: UpdateOrganizationInput!) { updateOrganization(id: $id, input: $input) { id } }', {
      id: org.id,
      input: {
        ...(options.hostedCostMultiplier !== undefined ? { hostedCostMultiplier: options.hostedCostMultiplier } : {}),
        ...(options.byokFeeRate !== undefined ? { byokFeeRate: options.byokFeeRate } : {}),
      },
    });
  }
  const { createProject: project } = await t.gqlOk<{ createProject: { id: string } }>(
    'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
    {
      input: {
        organizationId: org.id,
        name: `Project ${unique()}`,
        mode: options.mode ?? 'API_KEYS',
        preferStoredKeys: options.preferStoredKeys ?? false,
      },
    },
  );
  for (const [provider, key] of Object.entries(options.byok ?? {})) {
    await t.gqlOk('mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id } }', {
      input: { organizationId: org.id, provider, key },
    });
  }
  if (options.credits) await addCredits(t, org.id, options.credits);
  if (options.orgFlag !== undefined) await setHostedFlag(t, options.orgFlag, { organizationId: org.id });
  if (options.projectFlag !== undefined) await setHostedFlag(t, options.projectFlag, { projectId: project.id });
  const addKey = (keyOptions: GatewayKeyOptions = {}) => createGatewayKey(t, project.id, keyOptions);
  const key = await addKey(options.key);
  return { organizationId: org.id, projectId: project.id, gatewayKeyId: key.id, secret: key.secret, addKey };
}

export async function createGatewayKey(
  t: TestServer,
  projectId: string,
  options: GatewayKeyOptions = {},
): Promise<{ id: string; secret: string }> {
  const data = await t.gqlOk<{ createGatewayKey: { secret: string; key: { id: string } } }>(
    'mutation($input: CreateGatewayKeyInput!) { createGatewayKey(input: $input) { secret key { id } } }',
    { input: { projectId, name: `key ${unique()}`, ...options } },
  );
  return { id: data.createGatewayKey.key.id, secret: data.createGatewayKey.secret };
}

export async function addCredits(t: TestServer, organizationId: string, amountUsd: string): Promise<void> {
  await t.gqlOk('mutation($input: AddCreditsInput!) { addCredits(input: $input) { entry { id } } }', {
    input: { organizationId, amountUsd },
  });
}

export async function setHostedFlag(
  t: TestServer,
  enabled: boolean,
  scope: { organizationId?: string; projectId?: string } = {},
): Promise<void> {
  await t.gqlOk('mutation($input: SetFeatureFlagInput!) { setFeatureFlag(input: $input) { key } }', {
    input: { key: 'hosted-key-llm', enabled, ...scope },
  });
}

export const HELLO = [{ role: 'user', content: 'Hi' }];

export interface ChatResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  requestId: string;
  keySource: string | null;
  provider: string | null;
}

/** POST /v1/chat/completions through the test server's fetch (the body lands in `t.responses`). */
export async function chat(
  t: TestServer,
  secret: string | null,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<ChatResult> {
  const response = await t.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
    body: JSON.stringify({ messages: HELLO, ...body }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    json,
    requestId: response.headers.get('x-keyplane-request-id') ?? '',
    keySource: response.headers.get('x-keyplane-key-source'),
    provider: response.headers.get('x-keyplane-provider'),
  };
}

/** Expect OpenAI's error envelope with this HTTP status. */
export function expectOpenAiError(result: ChatResult, status: number, code?: string): void {
  expect(result.status, result.text).toBe(status);
  expect(result.json).toMatchObject({ error: { message: expect.any(String), type: expect.any(String), code: expect.any(String) } });
  if (code) expect(result.json.error.code).toBe(code);
}

/** `data:` payloads of an SSE body, in order. */
export function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n'),
    )
    .filter((data) => data !== '');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type UsageRow = Awaited<ReturnType<typeof usageOf>>;

/** The usage record of a request, waiting (briefly) for settlement to be written. */
export async function usageOf(t: TestServer, requestId: string) {
  expect(requestId, 'request id header').not.toBe('');
  const deadline = Date.now() + 5_000;
  for (;;) {
    await t.server.gateway.writer.flush();
    const row = await t.server.db.prisma.usageRecord.findUnique({ where: { requestId } });
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`No usage record for ${requestId}`);
    await sleep(20);
  }
}

/** Every usage record of a project, once the writer has nothing queued and `count` are there. */
export async function usageOfProject(t: TestServer, projectId: string, count?: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await t.server.gateway.writer.flush();
    const rows = await t.server.db.prisma.usageRecord.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
    if (count === undefined || rows.length >= count) return rows;
    if (Date.now() > deadline) throw new Error(`Expected ${count} usage records for project, found ${rows.length}`);
    await sleep(20);
  }
}

export const pico = (value: Parameters<typeof toPico>[0]) => toPico(value);

/** USD per 1M tokens → pico-USD per token, exactly as a price list reads. */
const perToken = (usdPerMillion: number) => BigInt(Math.round(usdPerMillion * 1_000_000));

/** Expected upstream cost from catalog prices (cached input at its own price, if any). */
export function expectedCostPico(
  price: { input: number; cachedInput: number | null; output: number },
  tokens: { input: number; cached: number; output: number },
): bigint {
  const cachedPrice = price.cachedInput ?? price.input;
  return (
    BigInt(tokens.input - tokens.cached) * perToken(price.input) +
    BigInt(tokens.cached) * perToken(cachedPrice) +
    BigInt(tokens.output) * perToken(price.output)
  );
}

/**
 * The credit invariants for one organization, after every settlement is written:
 * Σ billed cost of its usage (every mode: BYOK fees are debited in API_KEYS too) = −Σ ledger
 * USAGE entries; balance = Σ ledger; nothing left reserved.
 */
export async function expectLedgerConsistent(t: TestServer, organizationId: string): Promise<void> {
  const prisma = t.server.db.prisma;
  await t.server.gateway.writer.flush();
  // Settled and idle: this instance's credit and budget leases go back.
  await t.server.gateway.leases.releaseIdle(0);
  const projects = await prisma.project.findMany({ where: { organizationId }, select: { id: true } });
  const usage = await prisma.usageRecord.findMany({
    where: { projectId: { in: projects.map((p) => p.id) } },
    select: { billedCostUsd: true },
  });
  const ledger = await prisma.creditLedgerEntry.findMany({ where: { organizationId }, select: { kind: true, amountUsd: true } });
  const organization = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const billed = usage.reduce((sum, row) => sum + pico(row.billedCostUsd), 0n);
  const usageDebits = ledger.filter((e) => e.kind === 'USAGE').reduce((sum, e) => sum + pico(e.amountUsd), 0n);
  const ledgerTotal = ledger.reduce((sum, e) => sum + pico(e.amountUsd), 0n);
  expect(billed, 'Σ billed usage = −Σ USAGE ledger entries').toBe(-usageDebits);
  expect(pico(organization.creditBalance), 'creditBalance = Σ ledger').toBe(ledgerTotal);
  expect(pico(organization.creditReserved), 'nothing reserved once settled and idle').toBe(0n);
}

/** No seeded secret appears in any log line or response body the test saw. */
export function expectNoSecrets(t: TestServer, secrets: readonly string[], extra: readonly string[] = []): void {
  const haystacks = [...t.logs, ...t.responses, ...extra];
  for (const secret of secrets) {
    const hits = haystacks.filter((text) => text.includes(secret)).length;
    expect(hits, `secret …${secret.slice(-4)} found in logs/responses`).toBe(0);
  }
}

/** Counter value of a Prometheus series whose labels include all of `labels` (summed). */
export function metricValue(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function metrics(t: TestServer): Promise<string> {
  return (await t.fetch('/metrics')).text();
}
