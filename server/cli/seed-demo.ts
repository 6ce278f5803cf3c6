import type { ProviderId } from '../../shared/catalog.js';
import { HOSTED_KEY_LLM_FLAG, type OrgRole, type ProjectMode } from '../../shared/domain.js';
import { PICO_PER_USD, picoToDecimal } from '../../shared/money.js';
import type { PrismaClient } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { Services } from '../domain/services.js';
import { BillingStore } from '../gateway/billing/billing-store.js';
import { envPrefix, generateKey, getProvider } from '../providers/registry.js';
import { randomBase62 } from '../secrets/tokens.js';
import { type DemoBudget, seedDemoBudgets } from './demo-budgets.js';
import { type DemoTrafficProject, generateDemoUsage } from './demo-usage.js';

interface OrganizationSpec {
  name: string;
  slug: string;
  hostedPool: boolean;
  hostedCostMultiplier: string | null;
  byokFeeRate: string;
  /** Least credit to grant (raised if the demo traffic would spend most of it). */
  grantUsd: number;
  members: { email: string; role: OrgRole }[];
  /** Providers with a stored key: fake, generated in the provider's key format. */
  byok: ProviderId[];
  /** The organization's own customers, as its apps name them to the gateway (null: no end user sent). */
  customers: (string | null)[];
  /**
   * tagSets: the teams, features and environments the project's calls are tagged with ([] =
   * untagged); budgets: its tag and end-user budgets, sized from the demo's own spend (demo-budgets.ts).
   */
  projects: {
    name: string;
    mode: ProjectMode;
    weight: number;
    models: string[];
    tagSets: string[][];
    budgets?: Omit<DemoBudget, 'projectId'>[];
  }[];
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
    byok: ['openai', 'anthropic'],
    customers: [
      'cust_northwind',
      'cust_contoso',
      'cust_northwind',
      'cust_fabrikam',
      null,
      'cust_northwind',
      'cust_tailspin',
      'cust_contoso',
    ],
    projects: [
      {
        name: 'support-bot',
        mode: 'HYBRID',
        weight: 5,
        models: ['gpt-4o-mini', 'claude-haiku-4-5', 'llama-3.3-70b', 'gpt-4.1-mini', 'gemini-2.5-flash'],
        tagSets: [
          ['env:prod', 'feature:chat', 'team:support'],
          ['env:prod', 'feature:summarize', 'team:support'],
          ['env:prod', 'feature:chat', 'team:support'],
          ['env:staging', 'feature:chat', 'team:support'],
          [],
        ],
        budgets: [
          { scope: 'TAG', value: 'team:support', budgetPeriod: 'MONTHLY', spentShare: 0.7 },
          { scope: 'END_USER', value: 'cust_northwind', budgetPeriod: 'TOTAL', spentShare: 0.9 },
        ],
      },
      {
        name: 'internal-tools',
        mode: 'API_KEYS',
        weight: 3,
        models: ['gpt-4.1', 'claude-sonnet-4-5', 'gpt-5-mini', 'o4-mini'],
        tagSets: [
          ['env:prod', 'feature:search', 'team:search'],
          ['env:prod', 'feature:summarize', 'team:search'],
          ['env:prod', 'feature:codegen', 'team:platform'],
          ['feature:codegen', 'team:platform'],
          [],
        ],
      },
      {
        name: 'playground',
        mode: 'CREDITS',
        weight: 2,
        models: ['llama-3.3-70b', 'gpt-oss-120b', 'deepseek-v3', 'gemini-2.0-flash', 'gpt-4o-mini'],
        tagSets: [['env:staging', 'team:research'], ['env:staging', 'feature:chat', 'team:search'], ['team:research'], []],
      },
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
    byok: ['google', 'mistral', 'groq'],
    customers: ['cust_umbrella', 'cust_hooli', 'cust_umbrella', null, 'cust_piedpiper', 'cust_initrode'],
    projects: [
      {
        name: 'etl-summaries',
        mode: 'CREDITS',
        weight: 3,
        models: ['gemini-2.0-flash-lite', 'mistral-small', 'gpt-4.1-nano'],
        tagSets: [
          ['env:prod', 'feature:summarize', 'team:data'],
          ['env:prod', 'feature:summarize', 'team:data'],
          ['env:staging', 'feature:summarize', 'team:data'],
          [],
        ],
        budgets: [{ scope: 'TAG', value: 'team:data', budgetPeriod: 'MONTHLY', spentShare: 0.45 }],
      },
      {
        name: 'research-notebooks',
        mode: 'HYBRID',
        weight: 2,
        models: ['gemini-2.5-pro', 'mistral-large', 'deepseek-reasoner', 'kimi-k2'],
        tagSets: [['feature:search', 'team:research'], ['feature:chat', 'team:research'], []],
      },
      {
        name: 'analytics-api',
        mode: 'API_KEYS',
        weight: 2,
        models: ['gemini-2.5-flash', 'ministral-8b', 'llama-3.1-8b'],
        tagSets: [['env:prod', 'feature:chat', 'team:support'], ['env:prod', 'feature:search', 'team:data'], []],
      },
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
    byok: ['openai', 'deepseek', 'together', 'fireworks'],
    customers: ['cust_chotchkies', 'cust_penetrode', null],
    projects: [
      {
        name: 'tps-reports',
        mode: 'API_KEYS',
        weight: 2,
        models: ['deepseek-v3', 'gpt-4o', 'qwen3-235b-a22b', 'llama-3.3-70b'],
        tagSets: [['feature:summarize', 'team:finance'], ['env:prod', 'feature:summarize', 'team:finance'], []],
      },
    ],
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
  const operator: Actor = {
    userId: operatorUser.id,
    email: operatorUser.email,
    isOperator: true,
    roles: new Map(),
    label: `${operatorUser.email} (seed-demo)`,
  };

  const credentials: { email: string; password: string; role: string; organization: string }[] = [];
  const projects: DemoTrafficProject[] = [];
  const budgets: DemoBudget[] = [];
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
      await services.members.addDirectly(operator, { organizationId: organization.id, email: member.email, role: member.role });
      if (password) await services.auth.setPassword(member.email, password);
      credentials.push({
        email: member.email,
        password: password ?? '(existing account, password unchanged)',
        role: member.role,
        organization: spec.name,
      });
    }
    // The operator became OWNER by creating the organization; the demo owners replace it.
    await services.members.remove(operator, organization.id, operator.userId);
    if (spec.hostedPool) await services.flags.set(operator, { key: HOSTED_KEY_LLM_FLAG, enabled: true, organizationId: organization.id });

    const byok = new Map<string, string>();
    for (const provider of spec.byok) {
      const fake = generateKey(getProvider(provider)!.keyFormat, randomBase62);
      const key = await services.providerKeys.set(operator, { organizationId: organization.id, provider, key: fake });
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
      await services.gatewayKeys.create(operator, {
        projectId: row.id,
        name: 'ci-smoke-tests',
        rpmLimit: 60,
        budgetUsd: '5',
        budgetPeriod: 'TOTAL',
      });
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
        tagSets: project.tagSets,
        endUsers: spec.customers,
      });
      for (const budget of project.budgets ?? []) budgets.push({ ...budget, projectId: row.id });
    }
  }

  const traffic = generateDemoUsage(projects, recordCount, {
    now: now.getTime(),
    days,
    random: mulberry32(options.seed ?? 20_261_123),
    // The configured pool where there is one, else names like the pool would have.
    poolKeyNames: (provider) => {
      const configured = ctx.hostedKeyNames.get(provider) ?? [];
      return configured.length > 0 ? [...configured] : [1, 2, 3].map((n) => `${envPrefix(provider)}_API_KEY_${n}`);
    },
    envKeyName: (provider) => `${envPrefix(provider)}_API_KEY`,
  });
  const usage = await seedDemoBudgets(services, prisma, operator, budgets, traffic, now);

  // Credits first (dated before the traffic), sized so the demo never runs an organization dry.
  // Grants and debits go through the billing store, as the gateway's own do.
  const billing = new BillingStore(prisma);
  const windowStart = new Date(now.getTime() - (days + 1) * 86_400_000);
  for (const { id, spec } of organizations) {
    const spend = usage.filter((u) => u.organizationId === id).reduce((sum, u) => sum + u.debitPico, 0n);
    const spendUsd = Number(spend) / 1e12;
    const grant = Math.max(spec.grantUsd, spend > 0n ? Math.ceil((spendUsd * 1.6) / 50) * 50 : 0);
    if (grant === 0) continue;
    const balanceAfter = await billing.grantCredits({
      organizationId: id,
      amountPico: BigInt(grant) * PICO_PER_USD,
      note: 'Demo credit grant',
      createdById: operator.userId,
      at: windowStart,
    });
    // The audit trail an operator's grant leaves, as CreditService.add writes it.
    await services.audit.record(prisma, operator, {
      organizationId: id,
      action: 'credits.add',
      targetType: 'Organization',
      targetId: id,
      details: { amountUsd: String(grant), note: 'Demo credit grant', balanceAfter: picoToDecimal(balanceAfter) },
    });
  }

  say(`Writing ${usage.length} usage records over the last ${days} days…`);
  for (let start = 0; start < usage.length; start += BATCH) {
    await billing.settle(usage.slice(start, start + BATCH));
    ctx.progress(Math.min(start + BATCH, usage.length), usage.length);
  }

  say('');
  say('Demo organizations:');
  for (const { spec } of organizations)
    say(`  ${spec.name} (${spec.slug}): ${spec.projects.map((p) => `${p.name} [${p.mode}]`).join(', ')}`);
  say('');
  say('Demo sign-ins (these are demo credentials; change or remove them before real use):');
  for (const c of credentials) say(`  ${c.email.padEnd(26)} ${c.password.padEnd(20)} ${c.role} of ${c.organization}`);
  if (sampleGatewayKey) {
    say('');
    say(`A gateway key for ${sampleGatewayKey.project} (shown once): ${sampleGatewayKey.secret}`);
  }
  return { created: true, organizations: organizations.length, records: usage.length };
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
