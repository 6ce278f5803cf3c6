/**
 * The dashboard on `seed-demo` data, read as finance, an operator and a member would: every page
 * screenshotted at 1366×768 into test-results/screenshots/demo-*.png, no table wider than its
 * card, no misleading empty state, round axis ticks on separate scales, one row per model, and
 * no platform cost for a member (in the page and from the API). One seeded server for the file.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/cli/seed-demo.js';
import { formatUsd } from '../../web/src/components/format.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { browserSkipReason, buildDashboard, launchBrowser, newPage, screenshot, signInAs } from './support/browser.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`[browser] ${skipReason}`);

const OPERATOR = { email: 'operator@demo.test', password: 'operator-password-123' };
const VIEWPORT = { width: 1366, height: 768 };
// Fewer than the CLI's 4,000: the shape (three organizations, every key source) is the same.
const RECORDS = 1500;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface Demo {
  organizations: { id: string; name: string; projects: { id: string; name: string }[] }[];
  requestId: string;
  /** printed by seed-demo: email → password */
  passwords: Map<string, string>;
}

/** Every table whose content is wider than the card around it (the last column would be cut off). */
async function overflowingTables(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table')].flatMap((table) => {
      const card = table.closest('.card');
      if (!card || table.scrollWidth <= card.clientWidth) return [];
      return [`${table.getAttribute('aria-label')}: ${table.scrollWidth} > ${card.clientWidth}`];
    }),
  );
}

/** A table's rows as label → the text of the column with this header (sort arrows left out). */
async function columnByLabel(page: Page, testId: string, header: string): Promise<[string, string][]> {
  return page.getByTestId(testId).evaluate((table, wanted) => {
    const headers = [...table.querySelectorAll('thead th')].map((th) => (th.textContent ?? '').replace(/[▲▼]/g, '').trim());
    const column = headers.indexOf(wanted);
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim());
      return [cells[0] ?? '', cells[column] ?? ''] as [string, string];
    });
  }, header);
}

/**
 * The money or percent tick labels of a chart's y axis on one side, lowest first. (recharts draws
 * tick labels in a layer of their own, so the side is read from where they are.)
 */
async function tickLabels(page: Page, testId: string, side: 'left' | 'right'): Promise<string[]> {
  return page
    .getByTestId(testId)
    .locator('.recharts-cartesian-axis-tick-value')
    .evaluateAll((ticks, wanted) => {
      const svg = ticks[0]?.closest('svg')?.getBoundingClientRect();
      if (!svg) return [];
      const middle = svg.x + svg.width / 2;
      return ticks
        .map((tick) => ({ box: tick.getBoundingClientRect(), text: (tick.textContent ?? '').trim() }))
        .filter(({ box, text }) => /^-?\$|%$/.test(text) && (wanted === 'left' ? box.x < middle : box.x >= middle))
        .sort((a, b) => b.box.y - a.box.y)
        .map(({ text }) => text);
    }, side);
}

/** Round ticks: evenly spaced by 1, 2, 2.5 or 5 times a power of ten, starting on a multiple of the step. */
function expectRoundTicks(labels: string[], what: string): void {
  const values = labels.map((label) => Number(label.replace(/[$,%]/g, '')));
  expect(values.length, `${what}: ${labels.join(' ')}`).toBeGreaterThanOrEqual(2);
  expect(values.every(Number.isFinite), `${what}: ${labels.join(' ')}`).toBe(true);
  const step = values[1]! - values[0]!;
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  expect(
    [1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-6),
    `${what}: step ${step} in ${labels.join(' ')}`,
  ).toBe(true);
  for (const [i, value] of values.entries()) {
    expect(Math.abs(value - (values[0]! + i * step)), `${what}: ${labels.join(' ')}`).toBeLessThan(step / 1000);
    expect(Math.abs(value / step - Math.round(value / step)), `${what}: ${labels.join(' ')}`).toBeLessThan(1e-6);
  }
}

describe.skipIf(skipReason !== null)('dashboard on seed-demo data in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let web: { dir: string; cleanup(): void };
  let demo: Demo;

  beforeAll(async () => {
    web = await buildDashboard();
    // No hosted pool configured in this process, like a fresh `npm start` after `seed-demo`.
    t = await startTestServer(
      'pglite',
      { KEYPLANE_ADMIN_EMAIL: OPERATOR.email, KEYPLANE_ADMIN_PASSWORD: OPERATOR.password, HOSTED_COST_MULTIPLIER: '1.25' },
      { webRoot: web.dir },
    );
    const lines: string[] = [];
    await seedDemo(
      {
        services: t.server.services,
        prisma: t.server.db.prisma,
        hostedCostMultiplier: '1.25',
        hostedKeyNames: new Map(),
        admin: { email: OPERATOR.email, password: OPERATOR.password },
        say: (line) => lines.push(line),
        progress: () => {},
      },
      { records: RECORDS },
    );
    const passwords = new Map(
      lines.flatMap((line) => {
        const match = /^\s+(\S+@\S+\.example)\s+(demo-\w+)\s/.exec(line);
        return match ? [[match[1]!, match[2]!] as const] : [];
      }),
    );
    const data = await t.gqlOk<{
      organizations: Demo['organizations'];
      requestLogs: { nodes: { requestId: string }[] };
    }>('{ organizations { id name projects { id name } } requestLogs(first: 1, filter: { status: SUCCESS }) { nodes { requestId } } }');
    demo = { organizations: data.organizations, requestId: data.requestLogs.nodes[0]!.requestId, passwords };
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    web?.cleanup();
  });

  /** A page at 1366×768; generous waits, as the demo's month of data makes the analytics queries real work. */
  async function open() {
    const opened = await newPage(browser, t.url, VIEWPORT);
    opened.page.setDefaultTimeout(45_000);
    return opened;
  }

  const orgId = (name: string) => demo.organizations.find((o) => o.name === name)?.id ?? '';

  it('every page as an operator: screenshotted, no table wider than its card, no empty state beside data', async () => {
    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    const acme = demo.organizations.find((o) => o.name === 'Acme Robotics')!;
    const pages: [name: string, path: string, ready: string][] = [
      ['overview', '/', 'table-key-source'],
      ['usage-gateway-keys', '/usage', 'table-key-usage'],
      ['usage-provider-keys', '/usage?keys=provider', 'table-key-usage'],
      ['cost-by-organization', '/cost', 'table-cost'],
      ['cost-by-model', '/cost?by=MODEL', 'table-cost'],
      // Every organization's customers, named with their organization: the widest labels.
      ['cost-by-end-user', '/cost?by=END_USER', 'table-cost'],
      ['failures', '/failures', 'table-failing-keys'],
      ['requests', '/requests', 'table-requests'],
      ['request-detail', `/requests/${demo.requestId}`, 'routing-decision'],
      ['organizations', '/organizations', 'viewer-email'],
      ['organization', `/organizations/${acme.id}`, 'credit-balance'],
      ['project', `/projects/${acme.projects[0]!.id}`, 'table-gateway-keys'],
      ['access-tokens', '/access-tokens', 'viewer-email'],
      ['models', '/models', 'models-table'],
      ['flags', '/flags', 'viewer-email'],
      ['hosted-pool', '/hosted-pool', 'pool-config-note'],
      ['audit', '/audit', 'table-audit'],
      ['overview-initech', `/?org=${orgId('Initech')}`, 'table-key-source'],
    ];
    const problems: string[] = [];
    for (const [name, path, ready] of pages) {
      await page.goto(path);
      await page.getByTestId(ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      // Charts draw after their data: wait until no spinner is left.
      await page.locator('.state-loading').first().waitFor({ state: 'detached' });
      await screenshot(page, `demo-${name}`);
      for (const table of await overflowingTables(page)) problems.push(`${name}: ${table}`);
      const text = (await page.locator('main').textContent()) ?? '';
      if (/No requests in this range/.test(text)) problems.push(`${name}: "No requests in this range" on demo data`);
      if (/Could not load this/.test(text)) problems.push(`${name}: an error state`);
    }
    expect(problems).toEqual([]);

    // The sidebar runs the page's full height, however long the page.
    const heights = await page.evaluate(() => ({
      sidebar: document.querySelector('.sidebar')?.getBoundingClientRect().height ?? 0,
      page: document.documentElement.scrollHeight,
    }));
    expect(heights.page).toBeGreaterThan(VIEWPORT.height);
    expect(heights.sidebar).toBeGreaterThanOrEqual(heights.page - 1);
    await context.close();
  }, 240_000);

  it('cost & margin: billed and platform cost on their own scale, upstream on a second axis, margin bars visible, round ticks', async () => {
    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto('/cost');
    await page.getByTestId('chart-cost').locator('.recharts-line').first().waitFor();
    const left = await tickLabels(page, 'chart-cost', 'left');
    const right = await tickLabels(page, 'chart-cost', 'right');
    const margin = await tickLabels(page, 'chart-margin', 'left');
    expectRoundTicks(left, 'billed/platform axis');
    expectRoundTicks(right, 'upstream axis');
    expectRoundTicks(margin, 'margin axis');
    // Upstream cost (BYOK included) is several times billed cost: on one axis it would flatten the rest.
    const top = (labels: string[]) => Number(labels.at(-1)?.replace(/[$,]/g, ''));
    expect(top(right)).toBeGreaterThan(top(left));
    // The margin bars have height.
    const bars = await page
      .getByTestId('chart-margin')
      .locator('.recharts-bar-rectangle path')
      .evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect().height));
    expect(bars.filter((h) => h >= 2).length).toBeGreaterThan(5);

    // The overview: the error-rate axis stays within 0–100 % and reads round; billed by source is lines, not a stack.
    await page.goto('/');
    await page.getByTestId('chart-error-rate').locator('.recharts-line').first().waitFor();
    const rate = await tickLabels(page, 'chart-error-rate', 'left');
    expectRoundTicks(rate, 'error-rate axis');
    expect(Number(rate.at(-1)?.replace('%', ''))).toBeLessThanOrEqual(100);
    expect(await page.getByTestId('chart-billed').locator('.recharts-area').count()).toBe(0);
    expect(await page.getByTestId('chart-billed').locator('.recharts-line').count()).toBeGreaterThan(1);
    expectRoundTicks(await tickLabels(page, 'chart-billed', 'left'), 'billed axis');
    await context.close();
  }, 90_000);

  it('one row per model: gpt-4o and openai/gpt-4o are the same model', async () => {
    const byModel = await t.gqlOk<{ usage: { from: string; to: string; groups: { model: string; requests: number }[] } }>(
      '{ usage(groupBy: [MODEL]) { from to groups { model requests } } }',
    );
    const models = byModel.usage.groups.map((g) => g.model);
    expect(models).toContain('gpt-4o');
    expect(models.filter((m) => m.includes('/'))).toEqual([]);
    expect(new Set(models).size).toBe(models.length);
    // In the report's own window (the last 30 days as of the query): minutes after seeding, the
    // demo's oldest records may have left it.
    const raw = await t.server.db.prisma.usageRecord.count({
      where: {
        model: { in: ['gpt-4o', 'openai/gpt-4o'] },
        createdAt: { gte: new Date(byModel.usage.from), lt: new Date(byModel.usage.to) },
      },
    });
    expect(byModel.usage.groups.find((g) => g.model === 'gpt-4o')?.requests).toBe(raw);

    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto('/cost?by=MODEL');
    await page.getByTestId('table-cost').waitFor();
    const labels = await page.getByTestId('table-cost').locator('tbody tr td:first-child').allTextContents();
    expect(labels.filter((l) => l.includes('/'))).toEqual([]);
    await context.close();
  }, 90_000);

  it('an organization with requests but nothing billed shows its requests and says why nothing is billed', async () => {
    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto(`/?org=${orgId('Initech')}`);
    await page.getByTestId('chart-requests').locator('.recharts-bar-rectangle').first().waitFor();
    const billed = (await page.getByTestId('chart-billed').textContent()) ?? '';
    expect(billed).toContain('Nothing billed in this range');
    expect(billed).not.toContain('No requests');
    // Same height as the chart beside it: nothing squashed.
    const [requestsBox, billedBox] = await Promise.all([
      page.getByTestId('chart-requests').boundingBox(),
      page.getByTestId('chart-billed').boundingBox(),
    ]);
    expect(Math.abs((requestsBox?.height ?? 0) - (billedBox?.height ?? 0))).toBeLessThan(2);
    await context.close();
  }, 90_000);

  it('request detail names the organization, project, gateway key and provider key, and failure classes read as words', async () => {
    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto(`/requests/${demo.requestId}`);
    const facts = page.getByTestId('request-facts');
    await facts.waitFor();
    const text = (await facts.textContent()) ?? '';
    expect(text.replace(demo.requestId, '')).not.toMatch(UUID);
    expect(demo.organizations.some((o) => text.includes(o.name))).toBe(true);
    await page.goto('/requests?status=FAILED&failureClass=RATE_LIMIT');
    await page.getByTestId('table-requests').locator('tbody tr').first().waitFor();
    const badges = await page.getByTestId('table-requests').locator('.badge').allTextContents();
    expect(badges).toContain('Rate limit');
    expect(badges).not.toContain('RATE_LIMIT');
    await context.close();
  }, 90_000);

  it('the hosted pool page tells the truth about keys seen in usage but not configured here', async () => {
    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto('/hosted-pool');
    await page.getByTestId('pool-config-note').waitFor();
    await expect(page.getByTestId('pool-summary-groq').textContent()).resolves.not.toContain('0/0');
    await expect(page.getByTestId('pool-summary-groq').textContent()).resolves.toContain('not configured here');
    const groq = page.getByRole('region', { name: 'groq pool' }).getByTestId('unconfigured-keys');
    await expect(groq.textContent()).resolves.toMatch(/GROQ_API_KEY_\d/);
    await context.close();
  }, 90_000);

  it('the audit log filters by actor and by action', async () => {
    const { context, page } = await open();
    await signInAs(page, OPERATOR.email, OPERATOR.password);
    await page.goto('/audit');
    const table = page.getByTestId('table-audit');
    await table.waitFor();
    const actionsOf = () => table.locator('tbody tr td:nth-child(3)').allTextContents();
    await page.getByLabel('Action').fill('gateway-key.');
    await page.getByRole('button', { name: 'Filter' }).click();
    // Non-empty too: while the filtered page loads the table can be empty, and every() of nothing is true.
    await expect
      .poll(async () => {
        const actions = await actionsOf();
        return actions.length > 0 && actions.every((a) => a.startsWith('gateway-key.'));
      })
      .toBe(true);
    // Changes read in words: no camelCase field names, empty lists as "none".
    const changes = (await table.locator('tbody tr td:last-child').first().textContent()) ?? '';
    expect(changes).toContain('Allowed models: none');
    expect(changes).not.toContain('allowedModels');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => new Set(await actionsOf()).size).toBeGreaterThan(1);

    // The API: actorId and action narrow the operation, unchanged in name.
    const operator = await t.server.db.prisma.user.findFirstOrThrow({ where: { email: OPERATOR.email } });
    const filtered = await t.gqlOk<{ auditLog: { nodes: { action: string; actorUserId: string | null }[] } }>(
      'query($a: ID, $x: String) { auditLog(actorId: $a, action: $x, first: 100) { nodes { action actorUserId } } }',
      { a: operator.id, x: 'project.create' },
    );
    expect(filtered.auditLog.nodes.length).toBeGreaterThan(0);
    expect(filtered.auditLog.nodes.every((n) => n.action === 'project.create' && n.actorUserId === operator.id)).toBe(true);
    await context.close();
  }, 90_000);

  it('finance at Acme: cost by team and by end customer in two clicks, equal to usage(groupBy: TAG / END_USER); rows open their requests; the budgets card', async () => {
    const email = 'owner@acme.example';
    const acme = demo.organizations.find((o) => o.name === 'Acme Robotics')!;
    const { context, page } = await open();
    await signInAs(page, email, demo.passwords.get(email)!);
    const byBilled = (rows: { value: string | null; billed: string }[], none: string) =>
      [...rows]
        .sort((a, b) => Number(b.billed) - Number(a.billed) || (a.value ?? none).localeCompare(b.value ?? none))
        .map((r) => [r.value ?? none, formatUsd(r.billed)]);
    /** Click a "Cost by" tab and wait for its rows (`shows` among them); the API's groups for the page's own range. */
    const openTab = async (tab: string, dimension: 'TAG' | 'END_USER', shows: string) => {
      const report = page.waitForRequest(
        (r) => r.url().endsWith('/graphql') && (r.postDataJSON()?.variables?.groupBy ?? [])[0] === dimension,
      );
      await page.getByRole('tab', { name: tab }).click();
      const range = (await report).postDataJSON().variables.filter as { from: string; to: string };
      await expect.poll(async () => (await columnByLabel(page, 'table-cost', 'Billed cost')).map(([label]) => label)).toContain(shows);
      const data = await t.gqlOk<{ usage: { groups: { tag: string | null; endUser: string | null; billedCostUsd: string }[] } }>(
        `query($f: UsageFilterInput) { usage(filter: $f, groupBy: [${dimension}]) { groups { tag endUser billedCostUsd } } }`,
        { f: { from: range.from, to: range.to, organizationId: acme.id } },
      );
      return data.usage.groups.map((g) => ({ value: dimension === 'TAG' ? g.tag : g.endUser, billed: g.billedCostUsd }));
    };

    // Click one: the nav; click two: the tab.
    await page.getByRole('link', { name: 'Cost & margin' }).click();
    await page.getByTestId('table-cost').waitFor();
    const teams = (await openTab('Team (tag)', 'TAG', 'team:support')).filter((g) => g.value?.startsWith('team:'));
    expect(teams.map((g) => g.value).sort()).toEqual(['team:platform', 'team:research', 'team:search', 'team:support']);
    expect(await columnByLabel(page, 'table-cost', 'Billed cost')).toEqual(byBilled(teams, ''));
    expect(await page.getByTestId('tag-overlap-note').count()).toBe(1);
    await page.getByTestId('chart-cost-breakdown').locator('.recharts-bar-rectangle').first().waitFor();
    expect(await overflowingTables(page)).toEqual([]);
    await screenshot(page, 'demo-finance-cost-by-team');

    const customers = await openTab('End user', 'END_USER', 'cust_northwind');
    expect(customers.length).toBeGreaterThanOrEqual(5);
    expect(await columnByLabel(page, 'table-cost', 'Billed cost')).toEqual(byBilled(customers, '(no end user)'));
    expect(await overflowingTables(page)).toEqual([]);
    await screenshot(page, 'demo-finance-cost-by-end-user');

    // A customer's row opens the request log filtered to that customer.
    await page.getByTestId('table-cost').getByRole('link', { name: 'cust_northwind', exact: true }).click();
    await page.getByTestId('table-requests').locator('tbody tr').first().waitFor();
    expect(new URL(page.url()).searchParams.get('endUser')).toBe('cust_northwind');
    await expect(page.getByLabel('End user').inputValue()).resolves.toBe('cust_northwind');

    // The budgets card on the project: the seeded tag and end-user budgets with their spend; an owner may change them.
    const supportBot = acme.projects.find((p) => p.name === 'support-bot')!;
    await page.goto(`/projects/${supportBot.id}`);
    const budgets = page.getByTestId('table-attribution-budgets');
    await budgets.waitFor();
    const text = (await budgets.textContent()) ?? '';
    expect(text).toContain('team:support');
    expect(text).toContain('cust_northwind');
    expect(text).toMatch(/\$[\d.,]+ of \$[\d.,]+ \(\d+\.\d%\) in [A-Z][a-z]{2} \d{4}/);
    expect(await page.getByRole('form', { name: 'Set a budget' }).count()).toBe(1);
    expect(await overflowingTables(page)).toEqual([]);
    await screenshot(page, 'demo-project-budgets');
    await context.close();
  }, 90_000);

  it('a member sees their usage and billed cost only: no platform or upstream cost, no margin, in the page or from the API', async () => {
    const email = 'viewer@acme.example';
    const password = demo.passwords.get(email);
    expect(password).toBeTruthy();
    const { context, page } = await open();
    await signInAs(page, email, password!);
    await page.goto('/');
    await page.getByTestId('stat-billed').waitFor();
    await page.getByTestId('table-key-source').waitFor();
    await expect(page.getByTestId('stat-platform').count()).resolves.toBe(0);
    await expect(page.getByTestId('stat-upstream').count()).resolves.toBe(0);
    const overview = (await page.locator('main').textContent()) ?? '';
    expect(overview).not.toMatch(/platform cost|margin/i);
    await screenshot(page, 'demo-member-overview');

    await page.goto('/cost?by=MODEL');
    await page.getByTestId('table-cost').waitFor();
    await expect(page.getByTestId('stat-cost-platform').count()).resolves.toBe(0);
    await expect(page.getByTestId('stat-cost-margin').count()).resolves.toBe(0);
    await expect(page.getByTestId('chart-margin').count()).resolves.toBe(0);
    const headers = await page.getByTestId('table-cost').locator('th').allTextContents();
    expect(headers.map((h) => h.replace(/[▲▼]/g, '').trim().toLowerCase())).toEqual([
      'model',
      'requests',
      'tokens in / out',
      'billed cost',
    ]);
    // (The page's own title, "Cost & margin", names the page for everyone.)
    const cards = (await page.locator('main .stats, main .card').allTextContents()).join(' ');
    expect(cards).not.toMatch(/platform cost|margin/i);
    expect(await overflowingTables(page)).toEqual([]);
    await screenshot(page, 'demo-member-cost');

    // The API answers the member the same way, whatever the dashboard shows.
    const api = await page.evaluate(async () => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            '{ usage(groupBy: [KEY_SOURCE]) { groups { keySource upstreamCostUsd platformCostUsd billedCostUsd } } requestLogs(first: 50) { nodes { keySource upstreamCostUsd } } }',
        }),
      });
      return response.json();
    });
    expect(api.errors).toBeUndefined();
    const groups = api.data.usage.groups as { keySource: string; upstreamCostUsd: string; platformCostUsd: string | null }[];
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((g) => g.platformCostUsd === null)).toBe(true);
    // Upstream cost only of the calls on the organization's own keys: none for platform-key groups.
    for (const g of groups.filter((x) => x.keySource === 'hosted' || x.keySource === 'env')) expect(Number(g.upstreamCostUsd)).toBe(0);
    const logs = api.data.requestLogs.nodes as { keySource: string; upstreamCostUsd: string | null }[];
    for (const log of logs.filter((x) => x.keySource === 'hosted' || x.keySource === 'env')) expect(log.upstreamCostUsd).toBeNull();

    // Budgets by tag and end user: a member reads them, but sets and deletes nothing.
    const supportBot = demo.organizations.find((o) => o.name === 'Acme Robotics')!.projects.find((p) => p.name === 'support-bot')!;
    await page.goto(`/projects/${supportBot.id}`);
    await expect(page.getByTestId('table-attribution-budgets').textContent()).resolves.toContain('team:support');
    expect(await page.getByRole('form', { name: 'Set a budget' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete budget/ }).count()).toBe(0);
    await context.close();
  }, 90_000);
});
