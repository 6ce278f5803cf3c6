import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.js';
import { upstreamCostPico } from '../../server/gateway/billing/pricing.js';
import { generateEncryptionKey } from '../../server/secrets/key-ring.js';
import { verifyPassword } from '../../server/secrets/tokens.js';
import { findOffer, isProviderId } from '../../shared/catalog.js';
import { MODE_KEY_SOURCES, type ProjectMode } from '../../shared/domain.js';
import { applyRate, toPico } from '../../shared/money.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

const run = promisify(execFile);
const DAY = 86_400_000;
// Fewer than the default 4000, to keep the suite quick; the shape does not depend on the count.
const RECORDS = 2000;

/** The CLI as a user runs it, with only the environment this test gives it. */
async function seedDemo(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|KEYPLANE_|HOSTED_)|_API_KEY/.test(name)),
  ) as Record<string, string>;
  return run(process.execPath, ['bin/keyplane.mjs', 'seed-demo', '--records', String(RECORDS)], {
    env: { ...clean, ...env },
    timeout: 180_000,
    maxBuffer: 8 * 1024 * 1024,
  });
}

describe.each(availableBackends())('npx keyplane seed-demo on %s', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-seed-demo-'));
  let db: Database | null = null;
  let first: { stdout: string; stderr: string };
  let second: { stdout: string; stderr: string };
  let startedAt: number;

  beforeAll(async () => {
    const env: Record<string, string> = { KEYPLANE_DATA_DIR: dataDir, KEYPLANE_ENCRYPTION_KEY: generateEncryptionKey() };
    let server: (Database & { url: string | undefined }) | null = null;
    if (backend === 'postgres') {
      server = await createTestDatabase('postgres');
      env.DATABASE_URL = server.url as string;
    }
    startedAt = Date.now();
    first = await seedDemo(env);
    second = await seedDemo(env);
    db = server ?? (await openDatabase({ dataDir: join(dataDir, 'db') }));
  }, 400_000);
  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds once, prints the demo sign-ins, and skips the second time', async () => {
    expect(first.stdout).toContain('Demo sign-ins');
    expect(first.stdout).toMatch(/owner@acme\.example\s+demo-\w+\s+OWNER of Acme Robotics/);
    expect(first.stderr).toContain(`${RECORDS}/${RECORDS} usage records`);
    expect(second.stdout).toContain('already present');
    expect(second.stdout).not.toContain('Demo sign-ins');
    const prisma = (db as Database).prisma;
    expect(await prisma.organization.count({ where: { slug: { in: ['acme-demo', 'globex-demo', 'initech-demo'] } } })).toBe(3);
    expect(await prisma.usageRecord.count()).toBe(RECORDS);
  });

  it('creates members whose printed passwords sign in, and no leftover operator memberships', async () => {
    const prisma = (db as Database).prisma;
    const printed = [...first.stdout.matchAll(/^\s+(\S+@\S+\.example)\s+(demo-\w+)\s/gm)].map(
      (m) => [m[1] as string, m[2] as string] as const,
    );
    expect(printed.length).toBeGreaterThanOrEqual(5);
    for (const [email, password] of printed) {
      const user = await prisma.user.findUniqueOrThrow({ where: { email } });
      expect(await verifyPassword(password, user.passwordHash as string), email).toBe(true);
    }
    const operatorMemberships = await prisma.membership.count({ where: { user: { isOperator: true } } });
    expect(operatorMemberships).toBe(0);
  });

  it('covers every project mode, encrypted BYOK keys, gateway keys and the hosted-key-llm flag', async () => {
    const prisma = (db as Database).prisma;
    const modes = new Set((await prisma.project.findMany({ select: { mode: true } })).map((p) => p.mode));
    expect(modes).toEqual(new Set(['API_KEYS', 'CREDITS', 'HYBRID']));
    const keys = await prisma.providerKey.findMany();
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(key.ciphertext.length).toBeGreaterThan(0);
    expect(await prisma.gatewayKey.count()).toBeGreaterThanOrEqual(7 * 2);
    const acme = await prisma.organization.findUniqueOrThrow({ where: { slug: 'acme-demo' } });
    const flag = await prisma.featureFlagOverride.findMany({ where: { flagKey: 'hosted-key-llm', enabled: true } });
    expect(flag.map((f) => f.scopeId)).toEqual([acme.id]);
  });

  it('writes realistic usage: last 30 days, key sources by mode, ~5% failures, catalog prices', async () => {
    const prisma = (db as Database).prisma;
    const records = await prisma.usageRecord.findMany();
    const projects = new Map((await prisma.project.findMany({ include: { organization: true } })).map((p) => [p.id, p]));
    for (const record of records) {
      const project = projects.get(record.projectId);
      expect(project, 'every record belongs to a demo project').toBeDefined();
      expect(MODE_KEY_SOURCES[project?.mode as ProjectMode]).toContain(record.keySource);
      if (project?.mode === 'CREDITS') expect(record.keySource).toBe(project.organization.slug === 'acme-demo' ? 'hosted' : 'env');
      expect(record.createdAt.getTime()).toBeGreaterThan(startedAt - 31 * DAY);
      expect(record.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    }
    const failed = records.filter((r) => r.status === 'FAILED');
    expect(failed.length / records.length).toBeGreaterThan(0.03);
    expect(failed.length / records.length).toBeLessThan(0.08);
    expect(new Set(failed.map((r) => r.failureClass)).size).toBeGreaterThanOrEqual(6);
    // Attribution: teams, features and environments as tags, customers as end users, on most
    // records (some untagged, some naming no end user), so cost by team or customer has data.
    const tags = new Set(records.flatMap((r) => r.tags));
    for (const tag of ['team:support', 'team:search', 'feature:chat', 'feature:summarize', 'env:prod']) expect(tags).toContain(tag);
    const tagged = records.filter((r) => r.tags.length > 0).length / records.length;
    expect(tagged).toBeGreaterThan(0.6);
    expect(tagged).toBeLessThan(1);
    for (const record of records) expect(record.tags).toEqual([...record.tags].sort());
    const named = records.filter((r) => r.endUser !== null);
    expect(named.length / records.length).toBeGreaterThan(0.6);
    expect(named.length).toBeLessThan(records.length);
    expect(named.every((r) => /^cust_[a-z]+$/.test(r.endUser as string))).toBe(true);
    // An end user is one organization's customer.
    const organizationsOf = new Map<string, Set<string>>();
    for (const r of named)
      organizationsOf.set(r.endUser as string, (organizationsOf.get(r.endUser as string) ?? new Set()).add(r.organizationId));
    expect(organizationsOf.size).toBeGreaterThanOrEqual(8);
    for (const [endUser, orgs] of organizationsOf) expect(orgs.size, endUser).toBe(1);
    expect(new Set(records.map((r) => r.endpoint))).toEqual(new Set(['openai-chat', 'anthropic-messages', 'openai-responses']));
    // Costs come from catalog prices: recompute every successful record.
    for (const record of records.filter((r) => r.status === 'SUCCESS')) {
      const provider = record.provider as string;
      expect(isProviderId(provider)).toBe(true);
      const offer = findOffer(provider as never, record.model.replace(`${provider}/`, ''))?.offer;
      expect(offer?.price, `${provider} ${record.model}`).toBeTruthy();
      const upstream = upstreamCostPico(record, offer?.price as never);
      expect(toPico(record.upstreamCostUsd)).toBe(upstream);
      const project = projects.get(record.projectId);
      const keyed = record.keySource === 'byok' || record.keySource === 'user';
      const rate = keyed ? project?.organization.byokFeeRate.toFixed(6) : (project?.organization.hostedCostMultiplier?.toFixed(6) ?? '1');
      expect(toPico(record.billedCostUsd)).toBe(applyRate(upstream, rate as string));
      expect(record.latencyMs).toBeGreaterThan(0);
    }
  });

  it('sets tag and end-user budgets (audited) whose spend is what their records billed, short of the limit', async () => {
    const prisma = (db as Database).prisma;
    const budgets = await prisma.attributionBudget.findMany({ include: { project: true }, orderBy: { value: 'asc' } });
    expect(budgets.map((b) => [b.project.name, b.scope, b.value, b.budgetPeriod])).toEqual([
      ['support-bot', 'END_USER', 'cust_northwind', 'TOTAL'],
      ['etl-summaries', 'TAG', 'team:data', 'MONTHLY'],
      ['support-bot', 'TAG', 'team:support', 'MONTHLY'],
    ]);
    const month = new Date().toISOString().slice(0, 7);
    for (const budget of budgets) {
      const records = await prisma.usageRecord.findMany({
        where: {
          projectId: budget.projectId,
          ...(budget.scope === 'TAG' ? { tags: { has: budget.value } } : { endUser: budget.value }),
          ...(budget.budgetPeriod === 'MONTHLY' ? { createdAt: { gte: new Date(`${month}-01T00:00:00Z`) } } : {}),
        },
        select: { billedCostUsd: true },
      });
      const billed = records.reduce((sum, r) => sum + toPico(r.billedCostUsd), 0n);
      const spend = await prisma.budgetSpend.findUnique({
        where: { budgetId_period: { budgetId: budget.id, period: budget.budgetPeriod === 'TOTAL' ? 'total' : month } },
      });
      // A period's spend row comes with its first record, as the gateway's first hold creates it:
      // in a month that has just begun (the 1st, minutes after midnight) there may be none yet.
      if (spend === null) expect(billed, budget.value).toBe(0n);
      const spent = spend ? toPico(spend.spentUsd) : 0n;
      expect(spent, budget.value).toBe(billed);
      expect(spend ? toPico(spend.reservedUsd) : 0n).toBe(0n);
      // (A monthly budget's month may have just begun; the lifetime one has the whole demo.)
      if (budget.budgetPeriod === 'TOTAL') expect(billed > 0n, budget.value).toBe(true);
      expect(spent < toPico(budget.budgetUsd), budget.value).toBe(true);
    }
    expect(await prisma.auditEntry.count({ where: { action: 'attribution-budget.set' } })).toBe(3);
  });

  it('debits credits for exactly what usage billed (BYOK fees in API_KEYS too, as the gateway does), with a consistent balance', async () => {
    const prisma = (db as Database).prisma;
    const organizations = await prisma.organization.findMany({ include: { projects: true } });
    let debitingOrganizations = 0;
    for (const organization of organizations) {
      const creditProjects = organization.projects.map((p) => p.id);
      const billed = (
        await prisma.usageRecord.findMany({ where: { projectId: { in: creditProjects } }, select: { billedCostUsd: true } })
      ).reduce((sum, r) => sum + toPico(r.billedCostUsd), 0n);
      const ledger = await prisma.creditLedgerEntry.findMany({
        where: { organizationId: organization.id },
        orderBy: [{ createdAt: 'asc' }, { balanceAfter: 'desc' }],
      });
      const debits = ledger.filter((e) => e.kind === 'USAGE').reduce((sum, e) => sum - toPico(e.amountUsd), 0n);
      expect(debits, organization.name).toBe(billed);
      const total = ledger.reduce((sum, e) => sum + toPico(e.amountUsd), 0n);
      expect(toPico(organization.creditBalance), organization.name).toBe(total);
      expect(toPico(organization.creditBalance) >= 0n).toBe(true);
      if (debits > 0n) {
        debitingOrganizations += 1;
        expect(ledger[0]?.kind).toBe('GRANT');
        // Each entry's balanceAfter follows from the one before it.
        let balance = 0n;
        for (const entry of ledger) {
          balance += toPico(entry.amountUsd);
          if (entry.kind === 'USAGE') expect(toPico(entry.balanceAfter)).toBe(balance);
        }
      }
    }
    expect(debitingOrganizations).toBe(2);
  });
});
