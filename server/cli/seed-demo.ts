import { HOSTED_KEY_LLM_FLAG, type OrgRole, type ProjectMode } from '../../shared/domain.js';
import type { PrismaClient } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { Services } from '../domain/services.js';
import { decimalToPico, picoToDecimal } from '../gateway/billing/pricing.js';
import { listProviders } from '../providers/registry.js';
import { randomBase62 } from '../secrets/tokens.js';
import { type DemoTrafficProject, type DemoUsage, generateDemoUsage } from './demo-usage.js';

interface OrganizationSpec {
  name: string;
  slug: string;
  hostedPool: boolean;
  hostedCostMultiplier: string | null;
  byokFeeRate: string;
  /** Least credit to grant (raised if the demo traffic would spend most of it). */
  grantUsd: number;
  members: { email: string; role: OrgRole }[];
  /** Stored keys: fake, but shaped like each provider's real keys. */
  byok: Record<string, () => string>;
  projects: { name: string; mode: ProjectMode; weight: number; models: string[] }[];
}

/** The organization whose slug marks the demo as already seeded. */
export const DEMO_SENTINEL_SLUG = 'acme-demo';

const DEMO: OrganizationSpec[] = [
  {
    name: 'Acme Robotics',
    slug: DEMO_SENTINEL_SLUG,
    hostedPool: true,
    hostedCostMultiplier: null,
    byokFeeRate: '0',
    grantUsd: 500,
    members: [
      { email: 'owner@acme.example', role: 'OWNER' },
      { email: 'admin@acme.example', role: 'ADMIN' },
      { email: 'viewer@acme.example', role: 'MEMBER' },
    ],
    byok: { openai: () => `sk-proj-${randomBase62(48)}`, anthropic: () => `sk-ant-api03-${randomBase62(60)}` },
    projects: [
      { name: 'support-bot', mode: 'HYBRID', weight: 5, models: ['gpt-4o-mini', 'claude-haiku-4-5', 'llama-3.3-70b', 'gpt-4.1-mini', 'gemini-2.5-flash'] },
      { name: 'internal-tools', mode: 'API_KEYS', weight: 3, models: ['gpt-4.1', 'claude-sonnet-4-5', 'gpt-5-mini', 'o4-mini'] },
      { name: 'playground', mode: 'CREDITS', weight: 2, models: ['llama-3.3-70b', 'gpt-oss-120b', 'deepseek-v3', 'gemini-2.0-flash', 'gpt-4o-mini'] },
    ],
  },
  {
    name: 'Globex Analytics',
    slug: 'globex-demo',
    hostedPool: false,
    hostedCostMultiplier: '1.2',
    byokFeeRate: '0.05',
    grantUsd: 250,
    members: [
      { email: 'owner@globex.example', role: 'OWNER' },
      { email: 'analyst@globex.example', role: 'MEMBER' },
    ],
    byok: { google: () => `AIza${randomBase62(35)}`, mistral: () => randomBase62(32), groq: () => `gsk_${randomBase62(52)}` },
    projects: [
      { name: 'etl-summaries', mode: 'CREDITS', weight: 3, models: ['gemini-2.0-flash-lite', 'mistral-small', 'gpt-4.1-nano'] },
      { name: 'research-notebooks', mode: 'HYBRID', weight: 2, models: ['gemini-2.5-pro', 'mistral-large', 'deepseek-reasoner', 'kimi-k2'] },
      { name: 'analytics-api', mode: 'API_KEYS', weight: 2, models: ['gemini-2.5-flash', 'ministral-8b', 'llama-3.1-8b'] },
    ],
  },
  {
    name: 'Initech',
    slug: 'initech-demo',
    hostedPool: false,
    hostedCostMultiplier: null,
    byokFeeRate: '0',
    grantUsd: 0,
    members: [{ email: 'owner@initech.example', role: 'OWNER' }],
    byok: {
      openai: () => `sk-${randomBase62(48)}`,
      deepseek: () => `sk-${randomBase62(32)}`,
      together: () => randomBase62(64),
      fireworks: () => `fw_${randomBase62(24)}`,
    },
    projects: [{ name: 'tps-reports', mode: 'API_KEYS', weight: 2, models: ['deepseek-v3', 'gpt-4o', 'qwen3-235b-a22b', 'llama-3.3-70b'] }],
  },
];

export interface SeedDemoContext {
  services: Services;
  prisma: PrismaClient;
  /** HOSTED_COST_MULTIPLIER: what platform-key calls bill without an organization override. */
  hostedCostMultiplier: string;
  hostedKeyNames: ReadonlyMap<string, readonly string[]>;
  /** KEYPLANE_ADMIN_*: the operator account the server would create on its first start. */
  admin: { email?: string | undefined; password?: string | undefined; token?: string | undefined };
  say(line: string): void;
  progress(done: number, total: number): void;
}

export interface SeedDemoOptions {
  records?: number;
  days?: number;
  now?: Date;
  seed?: number;
}

export interface SeedDemoResult {
  created: boolean;
  organizations: number;
  records: number;
}

const BATCH = 500;

/** Fill the database with demo organizations, keys, credits and a month of gateway traffic. */
export async function seedDemo(ctx: SeedDemoContext, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const { services, prisma, say } = ctx;
  if (await prisma.organization.findUnique({ where: { slug: DEMO_SENTINEL_SLUG }, select: { id: true } })) {
    say(`Demo data is already present (organization "${DEMO_SENTINEL_SLUG}" exists); nothing to do.`);
    say('Its sign-in passwords were printed when it was first seeded.');
    return { created: false, organizations: 0, records: 0 };
  }
  const now = options.now ?? new Date();
  const days = options.days ?? 30;
  const recordCount = options.records ?? 4000;

  // The server creates the operator on its first start; seeding first must not skip that.
  const bootstrapped = await services.auth.bootstrap({ ...ctx.admin, generatePassword: () => randomBase62(20) });
  if (bootstrapped) say(`Created the operator account ${bootstrapped.email} with password ${bootstrapped.password}`);
  const operatorUser = await prisma.user.findFirst({ where: { isOperator: true }, orderBy: { createdAt: 'asc' } });
  if (!operatorUser) throw new Error('No operator account to seed the demo as');
  const operator: Actor = { userId: operatorUser.id, email: operatorUser.email, isOperator: true, roles: new Map(), label: `${operatorUser.email} (seed-demo)` };

  const credentials: { email: string; password: string; role: string; organization: string }[] = [];
  const projects: DemoTrafficProject[] = [];
  const organizations: { id: string; spec: OrganizationSpec }[] = [];
  let sampleGatewayKey: { project: string; secret: string } | null = null;

  say('Creating demo organizations, members, projects and keys…');
  for (const spec of DEMO) {
    const organization = await services.organizations.create(operator, { name: spec.name, slug: spec.slug });
    organizations.push({ id: organization.id, spec });
    await services.organizations.update(operator, organization.id, {
      byokFeeRate: spec.byokFeeRate,
      ...(spec.hostedCostMultiplier ? { hostedCostMultiplier: spec.hostedCostMultiplier } : {}),
    });
    for (const member of spec.members) {
      const existing = await prisma.user.findUnique({ where: { email: member.email }, select: { id: true } });
      const password = existing ? null : `demo-${randomBase62(12)}`;
      await services.members.add(operator, { organizationId: organization.id, email: member.email, role: member.role, password });
      credentials.push({ email: member.email, password: password ?? '(existing account, password unchanged)', role: member.role, organization: spec.name });
    }
    // The operator became OWNER by creating the organization; the demo owners replace it.
    await services.members.remove(operator, organization.id, operator.userId);
    if (spec.hostedPool) await services.flags.set(operator, { key: HOSTED_KEY_LLM_FLAG, enabled: true, organizationId: organization.id });

    const byok = new Map<string, string>();
    for (const [provider, makeKey] of Object.entries(spec.byok)) {
      const key = await services.providerKeys.set(operator, { organizationId: organization.id, provider, key: makeKey() });
      byok.set(provider, key.id);
    }
    for (const project of spec.projects) {
      const row = await services.projects.create(operator, { organizationId: organization.id, name: project.name, mode: project.mode });
      const gatewayKeyIds: string[] = [];
      for (const name of ['production', 'staging']) {
        const { key, secret } = await services.gatewayKeys.create(operator, { projectId: row.id, name });
        gatewayKeyIds.push(key.id);
        sampleGatewayKey ??= { project: `${spec.name} / ${project.name}`, secret };
      }
      // A capped key for automated checks: limits on display, no traffic against its budget.
      await services.gatewayKeys.create(operator, { projectId: row.id, name: 'ci-smoke-tests', rpmLimit: 60, budgetUsd: '5', budgetPeriod: 'TOTAL' });
      projects.push({
        organizationId: organization.id,
        projectId: row.id,
        mode: project.mode,
        gatewayKeyIds,
        weight: project.weight,
        models: project.models,
        byok,
        hostedPool: spec.hostedPool,
        byokFeeRate: spec.byokFeeRate,
        hostedRate: spec.hostedCostMultiplier ?? ctx.hostedCostMultiplier,
      });
    }
  }

  const envPrefix = new Map(listProviders().map((p) => [p.id, p.envPrefix]));
  const prefixOf = (provider: string) => envPrefix.get(provider) ?? provider.toUpperCase().replace(/-/g, '_');
  const usage = generateDemoUsage(projects, recordCount, {
    now: now.getTime(),
    days,
    random: mulberry32(options.seed ?? 20_261_123),
    // The configured pool where there is one, else names like the pool would have.
    poolKeyNames: (provider) => {
      const configured = ctx.hostedKeyNames.get(provider) ?? [];
      return configured.length > 0 ? [...configured] : [1, 2, 3].map((n) => `${prefixOf(provider)}_API_KEY_${n}`);
    },
    envKeyName: (provider) => `${prefixOf(provider)}_API_KEY`,
  });

  // Credits first (dated before the traffic), sized so the demo never runs an organization dry.
  const balances = new Map<string, bigint>();
  const windowStart = new Date(now.getTime() - (days + 1) * 86_400_000);
  for (const { id, spec } of organizations) {
    const spend = usage.filter((u) => u.usage.organizationId === id).reduce((sum, u) => sum + u.debitPico, 0n);
    const spendUsd = Number(spend) / 1e12;
    const grant = Math.max(spec.grantUsd, spend > 0n ? Math.ceil((spendUsd * 1.6) / 50) * 50 : 0);
    if (grant === 0) continue;
    const { organization, entry } = await services.credits.add(operator, { organizationId: id, amountUsd: String(grant), note: 'Demo credit grant' });
    await prisma.creditLedgerEntry.update({ where: { id: entry.id }, data: { createdAt: windowStart } });
    balances.set(id, decimalToPico(organization.creditBalance));
  }

  say(`Writing ${usage.length} usage records over the last ${days} days…`);
  for (let start = 0; start < usage.length; start += BATCH) {
    await writeBatch(prisma, usage.slice(start, start + BATCH), balances);
    ctx.progress(Math.min(start + BATCH, usage.length), usage.length);
  }

  say('');
  say('Demo organizations:');
  for (const { spec } of organizations) say(`  ${spec.name} (${spec.slug}): ${spec.projects.map((p) => `${p.name} [${p.mode}]`).join(', ')}`);
  say('');
  say('Demo sign-ins (these are demo credentials; change or remove them before real use):');
  for (const c of credentials) say(`  ${c.email.padEnd(26)} ${c.password.padEnd(20)} ${c.role} of ${c.organization}`);
  if (sampleGatewayKey) {
    say('');
    say(`A gateway key for ${sampleGatewayKey.project} (shown once): ${sampleGatewayKey.secret}`);
  }
  return { created: true, organizations: organizations.length, records: usage.length };
}

/** Usage records and their credit debits in one transaction, as the gateway's settlement writer does. */
async function writeBatch(prisma: PrismaClient, batch: DemoUsage[], balances: Map<string, bigint>): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.usageRecord.createMany({ data: batch.map((u) => u.usage) });
    const debits = new Map<string, DemoUsage[]>();
    for (const u of batch) if (u.debitPico > 0n) debits.set(u.usage.organizationId, [...(debits.get(u.usage.organizationId) ?? []), u]);
    for (const [organizationId, group] of debits) {
      let balance = balances.get(organizationId) ?? 0n;
      const entries = group.map((u) => {
        balance -= u.debitPico;
        return {
          organizationId,
          kind: 'USAGE' as const,
          amountUsd: picoToDecimal(-u.debitPico),
          balanceAfter: picoToDecimal(balance),
          requestId: u.usage.requestId,
          note: `${u.usage.provider ?? ''} ${u.usage.model}`.trim(),
          createdAt: u.usage.createdAt,
        };
      });
      const total = group.reduce((sum, u) => sum + u.debitPico, 0n);
      await tx.organization.update({ where: { id: organizationId }, data: { creditBalance: { decrement: picoToDecimal(total) } } });
      await tx.creditLedgerEntry.createMany({ data: entries });
      balances.set(organizationId, balance);
    }
  });
}

/** A small seeded PRNG, so every demo database has the same shape. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
