import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../../server/domain/statements/statement.service.js';
import { BillingStore } from '../../server/gateway/billing/billing-store.js';
import { settlementRow } from '../../server/gateway/billing/settlement-row.js';
import type { KeySource, RequestStatus } from '../../shared/domain.js';
import { PICO_PER_USD, toPico } from '../../shared/money.js';
import { utcMonthOf } from '../../shared/utc-month.js';
import { chat, createTenant, expectLedgerConsistent, fakeKey, type GatewayEnv, startGatewayEnv } from '../gateway/support/tenant.js';
import { awayFromUtcPeriodEnd } from '../support/clock.js';
import { codesOf, seedOrganization, seedProject, seedUser, signIn } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';

const STATEMENT = `query($org: ID!, $month: String!) {
  statement(organizationId: $org, month: $month) {
    organizationId organizationName month from to complete openingBalanceUsd creditsAddedUsd adjustmentsUsd creditsSpentUsd
    byokFeesUsd closingBalanceUsd billedOutsideCreditsUsd showsPlatformCost csvPath
    creditEntries { kind amountUsd note createdAt }
    total { ...line } byProject { ...line } byModel { ...line } byTag { ...line } } }
  fragment line on StatementLine { key label requests inputTokens outputTokens ownKeyCostUsd platformCostUsd billedCostUsd }`;

/** The statement as the API answers it, in the fields these tests read: dates as ISO text, and the CSV's path. */
type StatementView = Omit<Statement, 'organizationId' | 'organizationName' | 'from' | 'to' | 'generatedAt' | 'creditEntries'> & {
  csvPath: string;
  creditEntries: { kind: string; amountUsd: string; note: string; createdAt: string }[];
};

const p = (value: string | null | undefined) => toPico(value ?? '0');
const usd = (text: string) => toPico(text);
const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

/** A tiny RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
}

/** One request as the test generated it, to compute the expected statement in plain code. */
interface Made {
  projectId: string;
  model: string;
  tags: string[];
  keySource: KeySource | null;
  status: RequestStatus;
  inputTokens: number;
  outputTokens: number;
  upstreamPico: bigint;
  billedPico: bigint;
  debitPico: bigint;
  createdAt: Date;
  debitedAt: Date;
}

const HOSTILE_PROJECT = '=HYPERLINK("http://evil.test","click")';
const HOSTILE_TAG = '-cmd:calc';
const HOSTILE_MODEL = '@SUM(1+1)';

describe.each(availableBackends())('monthly statements on %s', (backend) => {
  let g: GatewayEnv;
  let orgA: { id: string; name: string };
  let orgB: { id: string; name: string };
  const made: Made[] = [];
  const grants: { amount: bigint; at: Date }[] = [];

  beforeAll(async () => {
    g = await startGatewayEnv(backend, { OPENAI_API_KEY: fakeKey('openai'), HOSTED_KEY_LLM: 'true' });
    const t = g.t;
    orgA = await seedOrganization(t);
    orgB = await seedOrganization(t);
    const billing = new BillingStore(t.server.db.prisma);
    const credits = await seedProject(t, orgA.id, 'chat-credits');
    const hybrid = await seedProject(t, orgA.id, 'hybrid-bot');
    const keyed = await seedProject(t, orgA.id, HOSTILE_PROJECT);
    const free = await seedProject(t, orgB.id, 'own-keys-no-fee');
    const gatewayKey = randomUUID();

    const grant = async (organizationId: string, amount: string, at: string) => {
      await billing.grantCredits({ organizationId, amountPico: usd(amount), note: `grant ${amount}`, at: new Date(at) });
      if (organizationId === orgA.id) grants.push({ amount: usd(amount), at: new Date(at) });
    };
    await grant(orgA.id, '100', '2026-08-15T09:00:00.000Z');
    await grant(orgA.id, '50', '2026-09-15T12:00:00.000Z'); // mid-month
    await grant(orgA.id, '25', '2026-10-02T00:00:00.000Z');

    // Requests as the gateway settles them: CREDITS on platform keys (× 1.5), HYBRID on both,
    // API_KEYS on the organization's own keys with a 10% BYOK fee, a failed call (billed 0),
    // and org B's own keys without a fee (billed 0: no debit).
    type Spec = {
      project: string;
      org?: string;
      model?: string;
      tags?: string[];
      source: KeySource | null;
      upstream: string;
      at: string;
      settledAt?: string;
      status?: RequestStatus;
    };
    const specs: Spec[] = [
      { project: credits.id, source: 'hosted', upstream: '0.4', at: '2026-08-20T10:00:00.000Z', tags: ['team:support'] },
      // Started and debited in August, a moment before the edge.
      { project: credits.id, source: 'env', upstream: '0.2', at: '2026-08-31T23:59:59.000Z', settledAt: '2026-08-31T23:59:59.500Z' },
      // Started in August, debited after midnight: September's.
      { project: hybrid.id, source: 'hosted', upstream: '0.1', at: '2026-08-31T23:59:59.900Z', settledAt: '2026-09-01T00:00:00.200Z' },
      {
        project: credits.id,
        source: 'hosted',
        upstream: '1.234567891234',
        at: '2026-09-03T08:00:00.000Z',
        tags: ['team:support', 'feature:chat'],
      },
      {
        project: credits.id,
        model: 'openai/gpt-4o',
        source: 'env',
        upstream: '0.333333333333',
        at: '2026-09-04T08:00:00.000Z',
        tags: [HOSTILE_TAG],
      },
      { project: hybrid.id, source: 'byok', upstream: '2.5', at: '2026-09-10T08:00:00.000Z', tags: ['team:growth'] },
      { project: hybrid.id, source: 'hosted', upstream: '0.75', at: '2026-09-16T08:00:00.000Z', tags: ['team:growth'] },
      { project: keyed.id, source: 'byok', upstream: '3.000000000007', at: '2026-09-20T08:00:00.000Z' },
      { project: keyed.id, model: HOSTILE_MODEL, source: 'user', upstream: '0.9', at: '2026-09-21T08:00:00.000Z', tags: ['feature:chat'] },
      { project: keyed.id, source: 'byok', upstream: '0.5', at: '2026-09-22T08:00:00.000Z', status: 'FAILED' },
      { project: credits.id, source: null, upstream: '0', at: '2026-09-30T23:59:59.999Z', status: 'FAILED' },
      // Started in September, debited in October: October's.
      { project: credits.id, source: 'hosted', upstream: '0.6', at: '2026-09-30T23:59:59.800Z', settledAt: '2026-10-01T00:00:00.100Z' },
      { project: keyed.id, source: 'byok', upstream: '0.5', at: '2026-10-01T00:00:00.000Z', status: 'FAILED' },
      { project: hybrid.id, source: 'byok', upstream: '1.1', at: '2026-10-05T00:00:00.000Z' },
      { project: free.id, org: orgB.id, source: 'byok', upstream: '4', at: '2026-09-12T00:00:00.000Z', tags: ['team:growth'] },
    ];
    const rateOf = (spec: Spec) =>
      spec.org === orgB.id ? 0n : spec.source === 'hosted' || spec.source === 'env' ? 1_500_000_000n : spec.source ? 100_000_000n : 0n;
    const rows = specs.map((spec) => {
      const status = spec.status ?? 'SUCCESS';
      const upstreamPico = usd(spec.upstream);
      const billedPico = status === 'FAILED' ? 0n : (upstreamPico * rateOf(spec)) / 1_000_000_000n;
      const m: Made = {
        projectId: spec.project,
        model: spec.model ?? 'gpt-4o',
        tags: [...(spec.tags ?? [])].sort(),
        keySource: spec.source,
        status,
        inputTokens: 1000,
        outputTokens: 200,
        upstreamPico,
        billedPico,
        debitPico: billedPico,
        createdAt: new Date(spec.at),
        debitedAt: new Date(spec.settledAt ?? spec.at),
      };
      if ((spec.org ?? orgA.id) === orgA.id) made.push(m);
      return settlementRow({
        requestId: randomUUID(),
        organizationId: spec.org ?? orgA.id,
        projectId: m.projectId,
        gatewayKeyId: gatewayKey,
        provider: spec.source ? 'openai' : null,
        model: m.model,
        tags: m.tags,
        keySource: m.keySource,
        keyRef: spec.source === 'hosted' ? 'OPENAI_API_KEY_1' : spec.source === 'env' ? 'OPENAI_API_KEY' : spec.source ? 'pk' : null,
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        upstreamCostPico: upstreamPico,
        billedCostPico: billedPico,
        status,
        failureClass: status === 'FAILED' ? 'UPSTREAM_ERROR' : null,
        httpStatus: status === 'FAILED' ? 502 : 200,
        latencyMs: 100,
        createdAt: m.createdAt,
        debitPico: billedPico,
        debitedAt: m.debitedAt,
      });
    });
    await billing.settle(rows);
    // An operator's correction: another kind of ledger entry, moving the balance with it.
    await t.server.db.prisma.$transaction(async (tx) => {
      const organization = await tx.organization.update({ where: { id: orgA.id }, data: { creditBalance: { decrement: '5' } } });
      await tx.creditLedgerEntry.create({
        data: {
          organizationId: orgA.id,
          kind: 'ADJUSTMENT',
          amountUsd: '-5',
          balanceAfter: organization.creditBalance,
          note: 'correction',
          createdAt: new Date('2026-09-25T00:00:00.000Z'),
        },
      });
    });
  }, 60_000);
  afterAll(() => g?.close());

  const statementOf = async (org: string, month: string, token?: string) =>
    (await g.t.gqlOk<{ statement: StatementView }>(STATEMENT, { org, month }, token)).statement;

  /** The expected statement for orgA from the generated requests, by the rule: the debit's month, else the start's. */
  function expected(month: string) {
    const inMonth = (d: Date) => utcMonthOf(d) === month;
    const monthOf = (m: Made) => (m.debitPico > 0n ? m.debitedAt : m.createdAt);
    const lines = made.filter((m) => inMonth(monthOf(m)));
    const own = (m: Made) => m.keySource === 'byok' || m.keySource === 'user';
    const platform = (m: Made) => m.keySource === 'hosted' || m.keySource === 'env';
    return {
      lines,
      billed: sum(lines.map((m) => m.billedPico)),
      fees: sum(lines.filter(own).map((m) => m.debitPico)),
      spent: sum(lines.filter((m) => !own(m)).map((m) => m.debitPico)),
      ownCost: sum(lines.filter(own).map((m) => m.upstreamPico)),
      platformCost: sum(lines.filter(platform).map((m) => m.upstreamPico)),
      added: sum(grants.filter((x) => inMonth(x.at)).map((x) => x.amount)),
    };
  }

  it('equals the ledger to the cent across UTC month edges, with a mid-month grant and an adjustment', async () => {
    const prisma = g.t.server.db.prisma;
    let previousClosing = 0n;
    for (const month of ['2026-08', '2026-09', '2026-10']) {
      const s = await statementOf(orgA.id, month);
      const want = expected(month);
      expect(s.complete).toBe(true);
      expect(p(s.openingBalanceUsd), `${month} opens where the last month closed`).toBe(previousClosing);
      expect(p(s.creditsAddedUsd)).toBe(want.added);
      expect(p(s.creditsSpentUsd)).toBe(want.spent);
      expect(p(s.byokFeesUsd)).toBe(want.fees);
      expect(p(s.adjustmentsUsd)).toBe(month === '2026-09' ? usd('-5') : 0n);
      expect(p(s.closingBalanceUsd)).toBe(
        p(s.openingBalanceUsd) + p(s.creditsAddedUsd) + p(s.adjustmentsUsd) - p(s.creditsSpentUsd) - p(s.byokFeesUsd),
      );
      // The ledger itself: Σ entries before the next month, and Σ debits dated in the month.
      const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 1));
      const start = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 1, 1));
      const ledger = await prisma.creditLedgerEntry.findMany({ where: { organizationId: orgA.id, createdAt: { lt: end } } });
      expect(p(s.closingBalanceUsd), 'closing = Σ ledger').toBe(sum(ledger.map((e) => p(e.amountUsd.toString()))));
      const debits = -sum(ledger.filter((e) => e.kind === 'USAGE' && e.createdAt >= start).map((e) => p(e.amountUsd.toString())));
      // Usage lines: Σ billed = the month's debits, by project and by model alike.
      expect(p(s.total.billedCostUsd)).toBe(want.billed);
      expect(p(s.total.billedCostUsd), 'Σ billed = ledger debits of the month').toBe(debits);
      expect(p(s.billedOutsideCreditsUsd)).toBe(0n);
      expect(sum(s.byProject.map((l) => p(l.billedCostUsd)))).toBe(debits);
      expect(sum(s.byModel.map((l) => p(l.billedCostUsd)))).toBe(debits);
      expect(s.total.requests).toBe(want.lines.length);
      expect(s.total.inputTokens).toBe(want.lines.reduce((a, m) => a + m.inputTokens, 0));
      expect(p(s.total.ownKeyCostUsd)).toBe(want.ownCost);
      expect(p(s.total.platformCostUsd), 'operators see the platform cost').toBe(want.platformCost);
      previousClosing = p(s.closingBalanceUsd);
    }
    const september = await statementOf(orgA.id, '2026-09');
    // The request that started in August and settled after midnight is September's; the one
    // that started on the 30th and settled in October is October's; unbilled ones go by start.
    expect(september.total.requests).toBe(9);
    expect(september.creditEntries.map((e) => [e.kind, e.amountUsd])).toEqual([
      ['GRANT', '50'],
      ['ADJUSTMENT', '-5'],
    ]);
    // gpt-4o and openai/gpt-4o are one model; a request counts in each of its tags.
    const models = Object.fromEntries(september.byModel.map((l) => [l.label, l.requests]));
    expect(models).toEqual({ 'gpt-4o': 8, [HOSTILE_MODEL]: 1 });
    const tags = Object.fromEntries(september.byTag.map((l) => [l.label, l.requests]));
    expect(tags).toEqual({ '(untagged)': 4, 'team:support': 1, 'feature:chat': 2, [HOSTILE_TAG]: 1, 'team:growth': 2 });
    expect(september.byTag.find((l) => l.label === '(untagged)')?.key).toBeNull();
    expect(september.byProject.map((l) => l.label).sort()).toEqual([HOSTILE_PROJECT, 'chat-credits', 'hybrid-bot'].sort());
  });

  it("org B's own keys without a fee: usage with billed $0 and no debit", async () => {
    const s = await statementOf(orgB.id, '2026-09');
    expect(s.total.requests).toBe(1);
    expect(p(s.total.billedCostUsd)).toBe(0n);
    expect(p(s.total.ownKeyCostUsd)).toBe(usd('4'));
    expect(p(s.byokFeesUsd)).toBe(0n);
    expect(p(s.closingBalanceUsd)).toBe(0n);
  });

  it('the current month from real gateway requests (CREDITS, HYBRID, API_KEYS with a BYOK fee) equals the ledger', async () => {
    // The grant, the requests and the statement must fall in one month.
    await awayFromUtcPeriodEnd('month');
    const month = utcMonthOf(new Date());
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '10', byokFeeRate: '0.1', byok: { openai: fakeKey('openai') } });
    const prisma = g.t.server.db.prisma;
    for (const mode of ['HYBRID', 'API_KEYS'] as const) {
      const project = await seedProject(g.t, tenant.organizationId);
      await g.t.gqlOk('mutation($id: ID!, $input: UpdateProjectInput!) { updateProject(id: $id, input: $input) { id } }', {
        id: project.id,
        input: { mode },
      });
      const key = await g.t.gqlOk<{ createGatewayKey: { secret: string } }>(
        'mutation($input: CreateGatewayKeyInput!) { createGatewayKey(input: $input) { secret } }',
        { input: { projectId: project.id, name: 'k' } },
      );
      const result = await chat(g.t, key.createGatewayKey.secret, { model: 'gpt-4o-mini' }, { 'x-keyplane-tags': 'team:ops' });
      expect(result.status, result.text).toBe(200);
    }
    for (const stream of [false, true]) expect((await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream })).status).toBe(200);
    await expectLedgerConsistent(g.t, tenant.organizationId);

    const s = await statementOf(tenant.organizationId, month);
    const organization = await prisma.organization.findUniqueOrThrow({ where: { id: tenant.organizationId } });
    expect(s.complete).toBe(false);
    expect(p(s.closingBalanceUsd), 'closing = the balance now').toBe(p(organization.creditBalance.toString()));
    expect(p(s.creditsAddedUsd)).toBe(usd('10'));
    expect(p(s.byokFeesUsd)).toBeGreaterThan(0n);
    expect(p(s.creditsSpentUsd)).toBeGreaterThan(0n);
    expect(p(s.total.billedCostUsd)).toBe(p(s.creditsSpentUsd) + p(s.byokFeesUsd));
    expect(s.total.requests).toBe(4);
    expect(s.byTag.find((l) => l.label === 'team:ops')?.requests).toBe(2);
  }, 90_000);

  it('the CSV parses back to the GraphQL numbers, with hostile names neutralised', async () => {
    const s = await statementOf(orgA.id, '2026-09');
    const response = await g.t.fetch(s.csvPath, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="keyplane-statement-[a-z0-9-]+-2026-09\.csv"$/);
    const text = await response.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(rows.every((row) => row.length === header?.length)).toBe(true);
    const col = (name: string) => header!.indexOf(name);
    const find = (section: string, name: string) => rows.find((r) => r[col('section')] === section && r[col('name')] === name);
    for (const [name, value] of [
      ['opening_balance', s.openingBalanceUsd],
      ['credits_added', s.creditsAddedUsd],
      ['adjustments', s.adjustmentsUsd],
      ['credits_spent', s.creditsSpentUsd],
      ['byok_fees', s.byokFeesUsd],
      ['closing_balance', s.closingBalanceUsd],
    ] as const) {
      expect(p(find('balance', name)?.[col('amount_usd')]), name).toBe(p(value));
    }
    expect(p(find('total', 'Total')?.[col('billed_cost_usd')])).toBe(p(s.total.billedCostUsd));
    expect(p(find('total', 'Total')?.[col('platform_cost_usd')])).toBe(p(s.total.platformCostUsd));
    for (const line of s.byProject) {
      const row = find('project', line.label.startsWith('=') ? `'${line.label}` : line.label);
      expect(row, line.label).toBeDefined();
      expect(Number(row?.[col('requests')])).toBe(line.requests);
      expect(p(row?.[col('billed_cost_usd')])).toBe(p(line.billedCostUsd));
    }
    expect(rows.filter((r) => r[col('section')] === 'credit_entry').map((r) => r[col('amount_usd')])).toEqual(['50.00', '-5.00']);
    // Every cell a spreadsheet could run starts with an apostrophe; the raw text holds no bare formula.
    expect(find('project', `'${HOSTILE_PROJECT}`)).toBeDefined();
    expect(find('tag', `'${HOSTILE_TAG}`)).toBeDefined();
    expect(find('model', `'${HOSTILE_MODEL}`)).toBeDefined();
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+@]|^-[^\d]/);
  });

  it("members see their organization's statement without the platform's cost; other tenants see none of it", async () => {
    const memberA = await seedUser(g.t, orgA.id, 'MEMBER', { password: 'member-password-1' });
    const adminB = await seedUser(g.t, orgB.id, 'ADMIN');
    const mine = await statementOf(orgA.id, '2026-09', memberA.token);
    expect(mine.showsPlatformCost).toBe(false);
    expect([mine.total, ...mine.byProject, ...mine.byModel, ...mine.byTag].every((l) => l.platformCostUsd === null)).toBe(true);
    expect(p(mine.total.billedCostUsd)).toBe(expected('2026-09').billed);

    expect(codesOf(await g.t.gql(STATEMENT, { org: orgA.id, month: '2026-09' }, adminB.token))).toEqual(['FORBIDDEN']);
    expect(codesOf(await g.t.gql(STATEMENT, { org: orgA.id, month: '2026-09' }, null))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await g.t.gql(STATEMENT, { org: orgA.id, month: '2999-01' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await g.t.gql(STATEMENT, { org: orgA.id, month: '2026-13' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await g.t.gql(STATEMENT, { org: randomUUID(), month: '2026-09' }))).toEqual(['NOT_FOUND']);

    const path = `/statements/${orgA.id}/2026-09.csv`;
    expect((await g.t.fetch(path, { headers: { authorization: `Bearer ${adminB.token}` } })).status).toBe(403);
    expect((await g.t.fetch(path)).status).toBe(401);
    expect((await g.t.fetch(path, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await g.t.fetch(`/statements/${orgA.id}/2026-09.txt`, { headers: { authorization: `Bearer ${memberA.token}` } })).status).toBe(
      404,
    );
    // The dashboard's session cookie works like a token; a member's CSV has no platform cost column.
    const session = await signIn(g.t, memberA.email, 'member-password-1');
    const response = await g.t.fetch(path, { headers: { cookie: session.cookie ?? '' } });
    expect(response.status).toBe(200);
    const [header] = parseCsv(await response.text());
    expect(header).not.toContain('platform_cost_usd');
    expect(header).toContain('own_key_cost_usd');
    expect(PICO_PER_USD).toBe(10n ** 12n);
  });
});
