/**
 * The dashboard in real Chromium against the real server on a fresh database, seeded through
 * the GraphQL API and real gateway traffic answered by the upstream simulator.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { picoToDecimal, sumPico } from '../../shared/money.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { formatCompact, formatCount, formatPercent, formatUsd } from '../../web/src/components/format.js';
import { awayFromUtcPeriodEnd } from '../support/clock.js';
import { acceptInvitation, invite } from '../support/control-plane.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { browserSkipReason, buildDashboard, cspViolations, launchBrowser, newPage, screenshot, signInAs } from './support/browser.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`[browser] ${skipReason}`);

const OPERATOR = { email: 'operator@keyplane.test', password: 'operator-password-123' };
const MEMBER = { email: 'member@acme.test', password: 'member-password-123' };
const hex = () => randomBytes(12).toString('hex');
const ENV_KEY = `sk-envkey${hex()}`;
const POOL_KEY = `sk-poolkey${hex()}`;
const SUCCESSES = 5;

interface Seeded {
  orgId: string;
  orgName: string;
  projectId: string;
  gatewayKeyId: string;
  secret: string;
}

async function chat(t: TestServer, secret: string, model = 'gpt-4o-mini') {
  const response = await t.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }),
  });
  return {
    status: response.status,
    keySource: response.headers.get('x-keyplane-key-source'),
    requestId: response.headers.get('x-keyplane-request-id'),
  };
}

async function seed(t: TestServer): Promise<Seeded> {
  const orgName = 'Acme Browser';
  const { createOrganization: org } = await t.gqlOk<{ createOrganization: { id: string } }>(
    'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
    { i: { name: orgName } },
  );
  const { createProject: project } = await t.gqlOk<{ createProject: { id: string } }>(
    'mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }',
    {
      i: { organizationId: org.id, name: 'web-app', mode: 'CREDITS' },
    },
  );
  await t.gqlOk('mutation($i: AddCreditsInput!) { addCredits(input: $i) { entry { id } } }', {
    i: { organizationId: org.id, amountUsd: '50', note: 'welcome grant' },
  });
  // The member joins by invitation, choosing their own password.
  const invitation = await invite(t, { organizationId: org.id, email: MEMBER.email, role: 'MEMBER' });
  expect((await acceptInvitation(t, { token: invitation.token, password: MEMBER.password })).status).toBe(200);
  const { createGatewayKey: key } = await t.gqlOk<{ createGatewayKey: { secret: string; key: { id: string } } }>(
    'mutation($i: CreateGatewayKeyInput!) { createGatewayKey(input: $i) { secret key { id } } }',
    { i: { projectId: project.id, name: 'backend-service' } },
  );
  return { orgId: org.id, orgName, projectId: project.id, gatewayKeyId: key.key.id, secret: key.secret };
}

interface UsageGroup {
  requests: number;
  failures: number;
  upstreamCostUsd: string;
  platformCostUsd: string;
  billedCostUsd: string;
  keySource: string | null;
}

async function usage(t: TestServer, groupBy: string[], filter: Record<string, unknown> = {}): Promise<UsageGroup[]> {
  const data = await t.gqlOk<{ usage: { groups: UsageGroup[] } }>(
    'query($f: UsageFilterInput, $g: [UsageDimension!]) { usage(filter: $f, groupBy: $g) { groups { requests failures upstreamCostUsd platformCostUsd billedCostUsd keySource } } }',
    { f: filter, g: groupBy },
  );
  return data.usage.groups;
}

/** Text of every body cell, row by row. */
async function tableRows(page: Page, testId: string, section: 'tbody' | 'tfoot' = 'tbody'): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator(`${section} tr`)
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
}

describe.skipIf(skipReason !== null)('dashboard in Chromium', () => {
  let t: TestServer;
  let sim: UpstreamSimulator;
  let browser: Browser;
  let web: { dir: string; cleanup(): void };
  let seeded: Seeded;
  const loadTimes: Record<string, number> = {};

  beforeAll(async () => {
    web = await buildDashboard();
    sim = await startUpstreamSimulator();
    t = await startTestServer(
      'pglite',
      // A multiplier above 1 gives platform-key calls a margin the cost page can show.
      {
        ...sim.env(),
        HOSTED_COST_MULTIPLIER: '1.25',
        OPENAI_API_KEY: ENV_KEY,
        OPENAI_API_KEY_1: POOL_KEY,
        KEYPLANE_ADMIN_EMAIL: OPERATOR.email,
        KEYPLANE_ADMIN_PASSWORD: OPERATOR.password,
        KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      },
      { webRoot: web.dir },
    );
    seeded = await seed(t);
    // The daily chart's last bar must hold every request below: none may fall after midnight UTC.
    await awayFromUtcPeriodEnd('day', 120_000);
    for (let i = 0; i < SUCCESSES; i++) expect((await chat(t, seeded.secret)).status).toBe(200);
    // One upstream failure: every attempt on the only key for the model answers 500.
    sim.setKeyBehavior(ENV_KEY, { kind: 'server-error', times: 10 });
    expect((await chat(t, seeded.secret)).status).toBeGreaterThanOrEqual(500);
    sim.clearKeyBehaviors();
    browser = await launchBrowser();
  }, 330_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
    web?.cleanup();
    if (Object.keys(loadTimes).length) console.info(`[browser] page load times (ms): ${JSON.stringify(loadTimes)}`);
  });

  async function timed(page: Page, name: string, path: string, ready: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    await page.goto(path);
    await ready();
    loadTimes[name] = Date.now() - started;
    await screenshot(page, name);
  }

  it('signs in, shows the seeded numbers on the overview, usage, failures and request pages', async () => {
    const expected = await usage(t, ['KEY_SOURCE']);
    const requests = expected.reduce((n, g) => n + g.requests, 0);
    const failures = expected.reduce((n, g) => n + g.failures, 0);
    expect(requests).toBe(SUCCESSES + 1);
    expect(failures).toBe(1);
    const billed = expected.reduce((n, g) => n + Number(g.billedCostUsd), 0);

    const { context, page } = await newPage(browser, t.url);
    await page.goto('/');
    await page.waitForURL(/\/sign-in/);
    await screenshot(page, 'sign-in');
    await signInAs(page, OPERATOR.email, OPERATOR.password);

    await timed(page, 'overview', '/', () => page.getByTestId('stat-requests').getByText(formatCount(requests)).waitFor());
    await expect(page.getByTestId('stat-requests').locator('.stat-value').textContent()).resolves.toBe(formatCount(requests));
    await expect(page.getByTestId('stat-billed').locator('.stat-value').textContent()).resolves.toBe(formatUsd(billed));
    await expect(page.getByTestId('stat-error-rate').locator('.stat-value').textContent()).resolves.toBe(
      `${((failures / requests) * 100).toFixed(1)}%`,
    );
    // The chart drew the env-key series with today's bar, and its legend names it.
    const requestsChart = page.getByTestId('chart-requests');
    await requestsChart.locator('.recharts-bar-rectangle path').first().waitFor();
    await expect(requestsChart.locator('.recharts-legend-item-text').allTextContents()).resolves.toContain('Env key');
    // The table under it holds the per-source numbers.
    const sourceRows = await tableRows(page, 'table-key-source');
    expect(sourceRows.find((r) => r[0] === 'Env key')?.slice(1, 2)).toEqual([formatCount(requests)]);
    // Hovering today's bar shows the exact count in the tooltip.
    const box = await requestsChart.locator('.recharts-bar-rectangle path').last().boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await expect(requestsChart.locator('.recharts-tooltip-wrapper').textContent()).resolves.toContain(
        `Env key : ${formatCount(requests)}`,
      );
    }

    await timed(page, 'usage-gateway-keys', '/usage', () => page.getByTestId('table-key-usage').waitFor());
    const keyRows = await tableRows(page, 'table-key-usage');
    expect(keyRows).toHaveLength(1);
    expect(keyRows[0]?.[0]).toBe('backend-service');
    expect(keyRows[0]?.[2]).toBe(formatCount(requests));
    expect(keyRows[0]?.[6]).toBe('1');
    await timed(page, 'usage-provider-keys', '/usage?keys=provider', () =>
      page.getByTestId('table-key-usage').getByText('OPENAI_API_KEY').waitFor(),
    );

    // Drill from the gateway key to its requests, then to one request's routing decision.
    await page.goto('/usage');
    await page.getByTestId('table-key-usage').getByRole('link', { name: 'backend-service' }).click();
    await page.waitForURL(/\/requests\?gatewayKeyId=/);
    await page.getByTestId('table-requests').waitFor();
    await expect(page.getByTestId('table-requests').locator('tbody tr').count()).resolves.toBe(requests);
    await screenshot(page, 'requests');
    await page.getByTestId('table-requests').locator('tbody tr').first().getByRole('link').click();
    await page.getByTestId('routing-decision').waitFor();
    await expect(page.getByTestId('routing-decision').textContent()).resolves.toContain('openai');
    await screenshot(page, 'request-detail');

    await timed(page, 'failures', '/failures', () => page.getByTestId('table-failing-keys').waitFor());
    const failing = await tableRows(page, 'table-failing-keys');
    expect(failing[0]?.[0]).toBe('OPENAI_API_KEY');
    expect(failing[0]?.[2]).toBe('1');
    await expect(page.getByTestId('chart-failures').locator('.recharts-legend-item-text').allTextContents()).resolves.toContain(
      'Upstream error',
    );
    await context.close();
    // Nine page loads in one test: allow for a busy machine.
  }, 90_000);

  it('shows margin as billed − platform cost (BYOK upstream excluded) and exports exactly the on-screen cost rows as CSV', async () => {
    // One BYOK call: the organization paid its 0.5 USD upstream with its own key; the platform billed a 0.02 fee.
    await t.server.db.prisma.usageRecord.create({
      data: {
        requestId: `req-byok-${hex()}`,
        organizationId: seeded.orgId,
        projectId: seeded.projectId,
        gatewayKeyId: seeded.gatewayKeyId,
        provider: 'openai',
        model: 'gpt-4o-mini',
        keySource: 'byok',
        keyRef: 'byok-key',
        inputTokens: 1000,
        outputTokens: 100,
        upstreamCostUsd: '0.5',
        billedCostUsd: '0.02',
        status: 'SUCCESS',
        httpStatus: 200,
        latencyMs: 100,
      },
    });
    const groups = await usage(t, []);
    const upstream = sumPico(groups.map((g) => g.upstreamCostUsd));
    const platform = sumPico(groups.map((g) => g.platformCostUsd));
    const billed = sumPico(groups.map((g) => g.billedCostUsd));
    expect(platform).toBeLessThan(upstream);
    expect(billed - platform).toBeGreaterThan(0n);
    expect(billed - upstream).toBeLessThan(0n);

    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await timed(page, 'cost', '/cost?by=MODEL', () => page.getByTestId('table-cost').waitFor());
    const stat = (id: string) => page.getByTestId(id).locator('.stat-value').textContent();
    await expect(stat('stat-cost-margin')).resolves.toBe(formatUsd(picoToDecimal(billed - platform)));
    await expect(stat('stat-cost-platform')).resolves.toBe(formatUsd(picoToDecimal(platform)));
    await expect(stat('stat-cost-upstream')).resolves.toBe(formatUsd(picoToDecimal(upstream)));
    await expect(stat('stat-cost-billed')).resolves.toBe(formatUsd(picoToDecimal(billed)));
    await expect(page.getByTestId('stat-cost-margin').locator('.stat-hint').textContent()).resolves.toContain(
      formatPercent(Number(billed - platform) / Number(billed)),
    );
    await expect(page.getByTestId('stat-cost-platform').textContent()).resolves.toContain('hosted/env keys');
    const onScreen = await tableRows(page, 'table-cost');
    const total = await tableRows(page, 'table-cost', 'tfoot');
    expect(onScreen.length).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const path = await download.path();
    const lines = readFileSync(path, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'Model,Requests,Input tokens,Output tokens,Upstream cost (USD),Platform cost (USD),Billed cost (USD),Margin (USD),Margin %',
    );
    const csvRows = lines.slice(1).map((l) => l.split(','));
    expect(csvRows).toHaveLength(onScreen.length + 1);
    for (const [i, row] of [...onScreen, ...total].entries()) {
      const csv = csvRows[i]!;
      expect(csv[0]).toBe(row[0]);
      expect(formatCount(Number(csv[1]))).toBe(row[1]);
      // On screen: "in / out" in one column.
      expect(`${formatCompact(Number(csv[2]))} / ${formatCompact(Number(csv[3]))}`).toBe(row[2]);
      expect(formatUsd(csv[4]!)).toBe(row[3]);
      expect(formatUsd(csv[5]!)).toBe(row[4]);
      expect(formatUsd(csv[6]!)).toBe(row[5]);
      expect(formatUsd(csv[7]!)).toBe(row[6]);
    }
    expect(csvRows.at(-1)?.[0]).toBe('Total');
    expect(csvRows.at(-1)?.[7]).toBe(picoToDecimal(billed - platform));
    await context.close();
  });

  it('an operator turns hosted-key-llm on for one organization and the next completion uses the pool', async () => {
    expect((await chat(t, seeded.secret)).keySource).toBe('env');
    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    // Each flag has its own panel, with a row per organization.
    const row = page.getByRole('region', { name: 'hosted-key-llm' }).getByTestId(`flag-org-${seeded.orgName}`);
    await timed(page, 'flags', '/flags', () => row.waitFor());
    await expect(row.locator('.badge').textContent()).resolves.toBe('off');
    // A controlled switch: it turns on once the server answers, which the badge below waits for.
    await row.getByRole('switch').click();
    await row.locator('.badge', { hasText: 'on' }).waitFor();
    await expect(row.textContent()).resolves.toContain('set for this organization');
    await screenshot(page, 'flags-after-toggle');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await chat(t, seeded.secret)).keySource).toBe('hosted');

    // Reset to inherited: the organization's override goes, and the global value (off) applies again.
    await row.getByRole('button', { name: `Reset hosted-key-llm for ${seeded.orgName} to inherited` }).click();
    await row.locator('.badge', { hasText: 'off' }).waitFor();
    await expect(row.textContent()).resolves.toContain('inherits the global value');
    await expect(row.getByRole('button', { name: /Reset .* to inherited/ }).count()).resolves.toBe(0);
    await screenshot(page, 'flags-after-reset');

    await timed(page, 'hosted-pool', '/hosted-pool', () => page.getByTestId('pool-state-OPENAI_API_KEY_1').waitFor());
    await expect(page.getByTestId('pool-state-OPENAI_API_KEY_1').textContent()).resolves.toContain('available');
    // The limiter form: the API's BAD_USER_INPUT shows beside the field, then a valid setting saves.
    const limiter = page.getByRole('form', { name: 'openai limiter' });
    await limiter.getByLabel('Limiter mode for openai').selectOption('PER_ORGANIZATION');
    await limiter.getByRole('button', { name: 'Save limiter' }).click();
    await page.getByTestId('limiter-error-openai-requestsPerMinute').waitFor();
    await screenshot(page, 'hosted-pool-limiter-error');
    await limiter.getByLabel('Requests per minute for openai').fill('600');
    await limiter.getByRole('button', { name: 'Save limiter' }).click();
    await limiter.getByText('now: per organization · 600 rpm').waitFor();
    await expect(page.getByTestId('limiter-error-openai-requestsPerMinute').count()).resolves.toBe(0);
    await t.gqlOk('mutation { setProviderLimiter(input: { provider: "openai", mode: NONE }) { mode } }');
    await context.close();
  });

  it('creates a gateway key whose secret is shown once and works, and stores a BYOK key showing only its mask', async () => {
    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await timed(page, 'project', `/projects/${seeded.projectId}`, () => page.getByTestId('table-gateway-keys').waitFor());
    await page.getByLabel('Key name').fill('created-in-browser');
    await page.getByLabel('RPM limit').fill('60');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretEl = page.getByTestId('gateway-key-secret');
    await secretEl.waitFor();
    const secret = (await secretEl.textContent()) ?? '';
    expect(secret).toMatch(/^kp_[A-Za-z0-9]{40}$/);
    await screenshot(page, 'gateway-key-created');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByTestId('table-gateway-keys').getByText('created-in-browser').waitFor();
    await expect(page.getByTestId('table-gateway-keys').textContent()).resolves.toContain('60 rpm');
    expect(await page.content()).not.toContain(secret);
    const used = await chat(t, secret);
    expect(used.status).toBe(200);

    await timed(page, 'organization', `/organizations/${seeded.orgId}`, () => page.getByTestId('credit-balance').waitFor());
    // A malformed key is refused inline.
    await page.getByLabel('Key provider').selectOption('openai');
    await page.getByLabel('Provider API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByTestId('provider-key-error').waitFor();
    const byok = `sk-proj-${hex()}${hex()}`;
    await page.getByLabel('Provider API key').fill(byok);
    await page.getByRole('button', { name: 'Add key' }).click();
    const mask = page.getByTestId('mask-openai');
    await mask.waitFor();
    const maskText = (await mask.textContent()) ?? '';
    expect(maskText).toContain(byok.slice(-4));
    expect(maskText).not.toContain(byok.slice(8, 24));
    expect(await page.content()).not.toContain(byok);
    await screenshot(page, 'organization');

    // A custom OpenAI-compatible provider, then the organization's audit log shows the change.
    await page.getByLabel('Custom provider slug').fill('ollama');
    await page.getByLabel('Custom provider name').fill('GPU box');
    await page.getByLabel('Custom provider base URL').fill('http://127.0.0.1:11434/v1');
    await page.getByLabel('Custom provider models').fill('llama3.1:8b, qwen2.5:7b');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByTestId('custom-provider-ollama').getByText('ollama/qwen2.5:7b').waitFor();
    await screenshot(page, 'organization-custom-provider');
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByTestId('table-audit').getByText('custom-provider.set').waitFor();
    await expect(page.getByTestId('table-audit').textContent()).resolves.toContain('provider-key.');
    expect(await page.content()).not.toContain(byok);
    await screenshot(page, 'organization-audit');
    await context.close();
  });

  it('an OWNER invites someone, sees the link once and the pending invitation; the invitee chooses a password and lands in the organization', async () => {
    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto(`/organizations/${seeded.orgId}`);
    await page.getByLabel('Member email').fill('invitee@acme.test');
    await page.getByLabel('Member role').selectOption('ADMIN');
    await page.getByRole('button', { name: 'Invite or change role' }).click();
    const linkEl = page.getByTestId('invitation-link').filter({ hasText: 'kpinv_' });
    await linkEl.waitFor();
    const link = (await linkEl.textContent()) ?? '';
    expect(link).toMatch(/\/accept-invitation#token=kpinv_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('list', { name: 'Pending invitations' }).getByText('invitee@acme.test').waitFor();
    await screenshot(page, 'organization-invitations');
    await context.close();

    const invitee = await newPage(browser, t.url);
    await invitee.page.goto(link.slice(link.indexOf('/accept-invitation')));
    await invitee.page.getByLabel('Choose a password').fill('invitee-password-1');
    await invitee.page.getByLabel('Repeat the password').fill('invitee-password-1');
    await invitee.page.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.page.getByRole('heading', { name: seeded.orgName }).waitFor();
    await screenshot(invitee.page, 'accept-invitation-done');
    await invitee.context.close();
  });

  it('creates an access token whose secret is shown once and works, lists it by prefix, and revokes it', async () => {
    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, MEMBER.email, MEMBER.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access tokens' }).click();
    await page.getByText('You have no access tokens yet.').waitFor();
    await page.getByLabel('Token name').fill('finance-export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretEl = page.getByTestId('access-token-secret');
    await secretEl.waitFor();
    const secret = (await secretEl.textContent()) ?? '';
    expect(secret).toMatch(/^kpat_[A-Za-z0-9]{40}$/);
    await screenshot(page, 'access-token-created');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const table = page.getByTestId('table-access-tokens');
    await table.getByText('finance-export').waitFor();
    const rows = await tableRows(page, 'table-access-tokens');
    const row = rows.find((r) => r[0] === 'finance-export');
    expect(row?.[1]).toBe(`${secret.slice(0, 'kpat_'.length + 6)}…`);
    expect(row?.[2]).toBe('active');
    expect(await page.content()).not.toContain(secret);
    // The token acts as the member.
    const viewer = await t.gqlOk<{ viewer: { email: string } }>('{ viewer { email } }', {}, secret);
    expect(viewer.viewer.email).toBe(MEMBER.email);
    await screenshot(page, 'access-tokens');

    await table.getByRole('button', { name: 'Revoke finance-export' }).click();
    await page.getByRole('button', { name: 'Revoke token' }).click();
    await table.locator('.badge', { hasText: 'revoked' }).waitFor();
    const revoked = await t.gql('{ viewer { email } }', {}, secret);
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await context.close();
  });

  it('shows operators the platform-wide audit log', async () => {
    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await timed(page, 'audit', '/audit', () => page.getByTestId('table-audit').waitFor());
    const text = (await page.getByTestId('table-audit').textContent()) ?? '';
    expect(text).toContain('feature-flag.clear');
    expect(text).toContain(seeded.orgName);
    expect(text).not.toContain(ENV_KEY);
    await context.close();
  });

  it('an operator searches the models, sets a price for openai/gpt-4o-mini and adds an alias; the next request sees both', async () => {
    const { context, page } = await newPage(browser, t.url);
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await timed(page, 'models', '/models', () => page.getByTestId('models-table').waitFor());
    const count = async () => Number(/^(\d+) of/.exec((await page.getByTestId('model-count').textContent()) ?? '')?.[1]);
    expect(await count()).toBeGreaterThan(300);
    await page.getByLabel('Search models').fill('openai gpt-4o-mini');
    const source = page.getByTestId('model-source-openai/gpt-4o-mini');
    await source.waitFor();
    expect(await count()).toBeLessThan(20);
    await expect(source.textContent()).resolves.not.toContain('override');

    const form = page.getByRole('form', { name: 'Set a model price' });
    await form.getByLabel('Price model').fill('openai/gpt-4o-mini');
    await form.getByLabel('Input price', { exact: true }).fill('ten');
    await form.getByLabel('Output price').fill('0.5');
    await form.getByRole('button', { name: 'Set price' }).click();
    await page.getByTestId('price-error').waitFor();
    await form.getByLabel('Input price', { exact: true }).fill('0.12');
    await form.getByRole('button', { name: 'Set price' }).click();
    await source.getByText('override').waitFor();
    await expect(page.getByTestId('models-table').textContent()).resolves.toContain('$0.12 in, $0.5 out · everyone');
    await screenshot(page, 'models-after-override');

    const aliases = page.getByRole('form', { name: 'Set an alias' });
    await aliases.getByLabel('Alias name').fill('browser-fast');
    await aliases.getByLabel('Alias targets').fill('openai/gpt-4o-mini, openai/gpt-4.1-mini');
    await aliases.getByRole('button', { name: 'Set alias' }).click();
    await page.getByTestId('model-alias-browser-fast').waitFor();
    await expect(page.getByTestId('model-alias-browser-fast').textContent()).resolves.toContain(
      'openai/gpt-4o-mini, then openai/gpt-4.1-mini',
    );
    await screenshot(page, 'models-after-alias');

    const result = await chat(t, seeded.secret, 'browser-fast');
    expect(result.status).toBe(200);
    await t.server.gateway.writer.flush();
    const record = await t.server.db.prisma.usageRecord.findUnique({ where: { requestId: result.requestId ?? '' } });
    expect(record?.priceSource).toContain('override');
    expect(record?.unitPrices).toMatchObject({ input: '0.12', output: '0.5' });
    await context.close();
  });

  it('a member sees their organization read-only and cannot reach the operator screens', async () => {
    const { context, page } = await newPage(browser, t.url, { width: 820, height: 1100 });
    await signInAs(page, MEMBER.email, MEMBER.password);
    const nav = await page.getByRole('navigation', { name: 'Main' }).textContent();
    expect(nav).not.toContain('Feature flags');
    expect(nav).not.toContain('Hosted key pool');
    await page.goto('/models');
    await page.getByTestId('models-table').waitFor();
    await expect(page.getByRole('button', { name: 'Set price' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Set alias' }).count()).resolves.toBe(0);
    await page.goto('/flags');
    await page.getByText('This page is for platform operators').waitFor();
    await screenshot(page, 'member-flags-forbidden');
    await page.goto(`/organizations/${seeded.orgId}`);
    await page.getByText('(read-only)').waitFor();
    await expect(page.getByRole('button', { name: 'Add key' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Add project' }).count()).resolves.toBe(0);
    await screenshot(page, 'member-organization-tablet');
    await page.goto('/');
    await page.getByTestId('stat-requests').waitFor();
    await screenshot(page, 'member-overview-tablet');
    await context.close();
  });

  // Runs last: every page the tests above opened rendered under the dashboard's policy.
  it('renders every page under its Content-Security-Policy without a violation', async () => {
    const response = await t.fetch('/');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(cspViolations).toEqual([]);
  });
});
