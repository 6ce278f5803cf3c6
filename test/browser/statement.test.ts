/**
 * The printable statement page in real Chromium against the real server: the numbers the page
 * shows are the statement's (GraphQL), the print stylesheet leaves only the statement, and the
 * CSV link downloads the same month.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingStore } from '../../server/gateway/billing/billing-store.js';
import { settlementRow } from '../../server/gateway/billing/settlement-row.js';
import { toPico } from '../../shared/money.js';
import { formatUsd } from '../../web/src/components/format.js';
import { seedOrganization, seedProject, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { browserSkipReason, buildDashboard, launchBrowser, newPage, screenshot, signInAs } from './support/browser.js';

const skipReason = browserSkipReason();
const OPERATOR = { email: 'operator@statements.test', password: 'operator-password-123' };
const MEMBER_PASSWORD = 'member-password-123';
const MONTH = '2026-10';

const STATEMENT = `query($org: ID!, $month: String!) { statement(organizationId: $org, month: $month) {
  openingBalanceUsd creditsAddedUsd creditsSpentUsd byokFeesUsd closingBalanceUsd csvPath
  total { billedCostUsd platformCostUsd } byProject { label billedCostUsd } } }`;

describe.skipIf(skipReason !== null)('statement page in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let web: { dir: string; cleanup(): void };
  let orgId: string;
  let memberEmail: string;

  beforeAll(async () => {
    web = await buildDashboard();
    // PostgreSQL where it runs (always in CI); the page is the same on either database.
    t = await startTestServer(
      availableBackends().includes('postgres') ? 'postgres' : 'pglite',
      { KEYPLANE_ADMIN_EMAIL: OPERATOR.email, KEYPLANE_ADMIN_PASSWORD: OPERATOR.password },
      { webRoot: web.dir },
    );
    const org = await seedOrganization(t, 'Statement Browser Co');
    orgId = org.id;
    const project = await seedProject(t, orgId, 'support-bot');
    const billing = new BillingStore(t.server.db.prisma);
    await billing.grantCredits({
      organizationId: orgId,
      amountPico: toPico('40'),
      note: 'opening grant',
      at: new Date('2026-09-20T00:00:00Z'),
    });
    await billing.grantCredits({ organizationId: orgId, amountPico: toPico('60'), note: 'top-up', at: new Date('2026-10-14T00:00:00Z') });
    const row = (at: string, source: 'hosted' | 'byok', upstream: string, billed: string) =>
      settlementRow({
        requestId: randomUUID(),
        organizationId: orgId,
        projectId: project.id,
        gatewayKeyId: randomUUID(),
        provider: 'openai',
        model: 'gpt-4o-mini',
        keySource: source,
        keyRef: source === 'hosted' ? 'OPENAI_API_KEY_1' : 'pk',
        tags: ['team:support'],
        inputTokens: 1200,
        outputTokens: 300,
        upstreamCostPico: toPico(upstream),
        billedCostPico: toPico(billed),
        status: 'SUCCESS',
        httpStatus: 200,
        latencyMs: 200,
        createdAt: new Date(at),
        debitPico: toPico(billed),
        debitedAt: new Date(at),
      });
    await billing.settle([
      row('2026-10-03T10:00:00Z', 'hosted', '2', '3'),
      row('2026-10-18T10:00:00Z', 'hosted', '4.5', '6.75'),
      row('2026-10-20T10:00:00Z', 'byok', '10', '0.5'),
    ]);
    memberEmail = (await seedUser(t, orgId, 'MEMBER', { password: MEMBER_PASSWORD })).email;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    web?.cleanup();
  });

  it("shows the statement's numbers, prints without the dashboard around it, and links the CSV", async () => {
    const { statement } = await t.gqlOk<{
      statement: Record<string, string> & { total: { billedCostUsd: string }; byProject: { label: string; billedCostUsd: string }[] };
    }>(STATEMENT, { org: orgId, month: MONTH });
    expect(statement.closingBalanceUsd).toBe('89.75');
    const { context, page } = await newPage(browser, t.url);
    try {
      await signInAs(page, OPERATOR.email, OPERATOR.password);
      await page.getByRole('link', { name: 'Statements' }).click();
      await page.getByLabel('Organization').selectOption(orgId);
      await page.getByLabel('Month').fill(MONTH);
      await page.getByTestId('statement').waitFor();
      const ledger = page.getByTestId('statement-ledger');
      await expect.poll(() => page.getByTestId('ledger-opening').textContent()).toBe(formatUsd(statement.openingBalanceUsd));
      expect(await page.getByTestId('ledger-closing').textContent()).toBe(formatUsd(statement.closingBalanceUsd));
      expect(await ledger.textContent()).toContain(formatUsd(`-${statement.creditsSpentUsd}`));
      expect(await ledger.textContent()).toContain(formatUsd(`-${statement.byokFeesUsd}`));
      const projects = page.getByTestId('statement-project');
      expect(await projects.textContent()).toContain('support-bot');
      expect(await projects.locator('tfoot').textContent()).toContain(formatUsd(statement.total.billedCostUsd));
      expect(await projects.textContent()).toContain('Platform cost');
      expect(await page.getByTestId('statement-credit-entries').textContent()).toContain('top-up');
      expect(await page.getByTestId('statement-csv').getAttribute('href')).toBe(statement.csvPath);
      await screenshot(page, 'statement-operator');

      // The CSV link downloads the month with the browser's session cookie.
      const download = page.waitForEvent('download');
      await page.getByTestId('statement-csv').click();
      expect((await download).suggestedFilename()).toBe(`keyplane-statement-statement-browser-co-${MONTH}.csv`);

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav.sidebar').isVisible()).toBe(false);
      expect(await page.locator('.filters').isVisible()).toBe(false);
      expect(await page.getByTestId('statement-ledger').isVisible()).toBe(true);
      await screenshot(page, 'statement-print');
    } finally {
      await context.close();
    }
  });

  it('a member sees the same billed numbers and no platform cost', async () => {
    const { context, page } = await newPage(browser, t.url);
    try {
      await signInAs(page, memberEmail, MEMBER_PASSWORD);
      await page.goto(`/statements?org=${orgId}&month=${MONTH}`);
      await page.getByTestId('statement').waitFor();
      const projects = page.getByTestId('statement-project');
      await expect.poll(() => projects.textContent()).toContain(formatUsd('10.25'));
      expect(await projects.textContent()).not.toContain('Platform cost');
      expect(await page.getByTestId('ledger-closing').textContent()).toBe(formatUsd('89.75'));
      await screenshot(page, 'statement-member');
    } finally {
      await context.close();
    }
  });
});
