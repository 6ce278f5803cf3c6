import { randomUUID } from 'node:crypto';
import type { Database } from '../../server/db/database.js';
import type { LeaseSource } from '../../server/gateway/billing/leases.js';
import { type SettlementRow, settlementRow } from '../../server/gateway/billing/settlement-row.js';
import type { UsageIntent } from '../../server/gateway/billing/usage-intent.js';

/** An organization with $10 of credit, a project and a gateway key, straight into the database. */
export async function seedBillingTenant(db: Database): Promise<BillingTenant> {
  const organization = await db.prisma.organization.create({
    data: { name: 'o', slug: `o-${Math.random().toString(36).slice(2)}`, creditBalance: '10', creditReserved: '0' },
  });
  const project = await db.prisma.project.create({ data: { organizationId: organization.id, name: 'p' } });
  const key = await db.prisma.gatewayKey.create({
    data: { projectId: project.id, name: 'k', hash: Math.random().toString(36), prefix: 'kp_x' },
  });
  return { organizationId: organization.id, projectId: project.id, gatewayKeyId: key.id };
}

export interface BillingTenant {
  organizationId: string;
  projectId: string;
  gatewayKeyId: string;
}

/** A streamed gpt-4o-mini call's write-ahead intent: 120 estimated input tokens, billed 0.000027 and debited from credits. */
export function testIntent(t: BillingTenant, requestId: string, extra: Partial<UsageIntent> = {}): UsageIntent {
  return {
    ...t,
    requestId,
    provider: 'openai',
    model: 'gpt-4o-mini',
    endpoint: 'openai-chat',
    keySource: 'env',
    keyRef: 'OPENAI_API_KEY',
    streamed: true,
    inputTokens: 120,
    upstreamCostPico: 18_000_000n,
    billedCostPico: 27_000_000n,
    costKnown: true,
    unitPrices: { input: '0.15', cachedInput: '0.075', cacheWrite: '0.15', cacheWrite1h: '0.15', output: '0.6' },
    priceSource: 'test',
    debitPico: 27_000_000n,
    leaseId: null,
    budget: null,
    createdAt: new Date(),
    ...extra,
  };
}

/** A successful request's settlement billed `billed` against one budget lease that held `held` for it. */
export function budgetSettlement(source: LeaseSource, leaseId: string, held: bigint, billed: bigint): SettlementRow {
  if (source.kind !== 'budget') throw new Error('a budget source');
  return settlementRow({
    requestId: randomUUID(),
    organizationId: source.organizationId,
    projectId: 'p',
    gatewayKeyId: 'k',
    model: 'm',
    status: 'SUCCESS',
    httpStatus: 200,
    latencyMs: 1,
    billedCostPico: billed,
    budget: { budgets: [{ budgetId: source.budgetId, period: source.period }], leaseIds: [leaseId], reservedPico: held, spentPico: billed },
  });
}
