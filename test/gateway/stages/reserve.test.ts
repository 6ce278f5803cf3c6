import { afterEach, describe, expect, it } from 'vitest';
import { Leases } from '../../../server/gateway/billing/leases.js';
import { GatewayError } from '../../../server/gateway/gateway-error.js';
import type { GatewayIdentity } from '../../../server/gateway/request-context.js';
import { RequestRun } from '../../../server/gateway/request-run.js';
import type { RouteCandidate } from '../../../server/gateway/routing/router.js';
import { Reserver } from '../../../server/gateway/stages/reserve.stage.js';
import { createLogger } from '../../../server/observability/logger.js';
import { MemoryLeaseStore } from '../billing/memory-lease-store.js';

const identity: GatewayIdentity = {
  gatewayKeyId: 'key',
  projectId: 'project',
  organizationId: 'org',
  rpmLimit: null,
  budgetUsd: '1',
  budgetPeriod: 'TOTAL',
  allowedModels: [],
  defaultTags: [],
  attributionBudgets: [],
  mode: 'CREDITS',
  preferStoredKeys: false,
  hostedCostMultiplier: null,
  byokFeeRate: '0',
  expiresAt: null,
  revokedAt: null,
};

/** A platform key with no price: paid with credits, held at the least amount there is. */
const hosted = {
  provider: 'openai',
  providerModel: 'gpt-4o-mini',
  prices: null,
  maxOutputTokens: null,
  endpoint: 'chat',
  key: { source: 'hosted', secret: null, keyRef: 'hosted:openai', stateKey: null },
} as unknown as RouteCandidate;

let open: Leases[] = [];
afterEach(async () => {
  await Promise.all(open.map((leases) => leases.close()));
  open = [];
});

function reserverOver(store: MemoryLeaseStore): { reserver: Reserver; leases: Leases } {
  const leases = new Leases(store, createLogger({ level: 'silent' }));
  open.push(leases);
  return { reserver: new Reserver(leases, '1'), leases };
}

describe('the reserve stage', () => {
  it('holds the budgets and the credits at once: cold leases cost one round trip', async () => {
    const store = new MemoryLeaseStore(1_000_000n, { key: 1_000_000n });
    store.roundTripMs = 20;
    const { reserver } = reserverOver(store);
    const run = new RequestRun('cold');
    expect(await reserver.reserve(run, identity, [hosted], null, false)).toEqual([hosted]);
    expect(store.mostInFlight).toBe(2);
    expect(run.reservation?.credits?.lease.used).toBe(1n);
    expect(run.reservation?.budget?.leases.map((lease) => lease.used)).toEqual([1n]);
  });

  it('a spent budget refuses with 402, and the credit hold taken meanwhile is on the run for settlement to give back', async () => {
    const { reserver } = reserverOver(new MemoryLeaseStore(1_000_000n, { key: 0n }));
    const run = new RequestRun('spent');
    const refusal = await reserver.reserve(run, identity, [hosted], null, false).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).wireCode).toBe('budget_exceeded');
    expect(run.reservation?.budget).toBeNull();
    expect(run.reservation?.credits?.lease.used).toBe(1n);
  });
});
