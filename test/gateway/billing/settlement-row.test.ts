import { describe, expect, it } from 'vitest';
import { settlementRow } from '../../../server/gateway/billing/settlement-row.js';
import { ALL_COLUMNS, settlementBatchJson } from '../../../server/gateway/billing/settlement-sql.js';

const minimal = {
  requestId: 'req-1',
  organizationId: 'org-1',
  projectId: 'project-1',
  gatewayKeyId: 'key-1',
  model: 'gpt-4o-mini',
  status: 'FAILED' as const,
  httpStatus: 401,
  latencyMs: 12,
};

describe('settlement rows', () => {
  it('applies the schema defaults to every column left out', () => {
    const row = settlementRow(minimal);
    expect(row).toMatchObject({
      ...minimal,
      provider: null,
      keySource: null,
      keyRef: null,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      tokensEstimated: false,
      upstreamCostPico: 0n,
      billedCostPico: 0n,
      costKnown: true,
      failureClass: null,
      errorMessage: null,
      ttftMs: null,
      streamed: false,
      attempts: 1,
      routing: null,
      debitPico: 0n,
      leaseId: null,
      budget: null,
      debitedAt: null,
    });
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(settlementRow(minimal).id).not.toBe(row.id);
  });

  it('keeps what was given, and treats an explicit undefined as left out', () => {
    const createdAt = new Date('2025-03-04T05:06:07.008Z');
    const row = settlementRow({ ...minimal, attempts: 3, costKnown: false, ttftMs: undefined, createdAt, keySource: 'byok' });
    expect(row.attempts).toBe(3);
    expect(row.costKnown).toBe(false);
    expect(row.ttftMs).toBeNull();
    expect(row.createdAt).toBe(createdAt);
    expect(row.keySource).toBe('byok');
  });
});

describe('settlement batch parameters', () => {
  it('sends one JSON row per settlement, money as exact decimals, routing and prices as JSON members, times as ISO text', () => {
    const createdAt = new Date('2025-03-04T05:06:07.008Z');
    const rows = [
      settlementRow({
        ...minimal,
        id: 'u-1',
        endpoint: 'anthropic-messages',
        tags: ['feature/chat', 'team:a'],
        endUser: 'user-7',
        status: 'SUCCESS',
        httpStatus: 200,
        upstreamCostPico: 1_500_000n,
        billedCostPico: 1_800_000n,
        routing: { why: 'cheapest' },
        unitPrices: { input: '3', cachedInput: '0.3', cacheWrite: '3.75', cacheWrite1h: '6', output: '15' },
        priceSource: '@pydantic/genai-prices 0.1.8',
        createdAt,
        debitPico: 1_800_000n,
        leaseId: 'lease:1',
        budget: {
          budgets: [{ budgetId: 'key-1', period: '2025-03' }],
          leaseIds: ['lease:2'],
          reservedPico: 5_000_000n,
          spentPico: 1_800_000n,
        },
      }),
      settlementRow({ ...minimal, id: 'u-2', requestId: 'req-2', createdAt, debitedAt: createdAt }),
    ];
    const batch = JSON.parse(settlementBatchJson(rows)) as unknown[][];
    // Rows are arrays in ALL_COLUMNS' order (SETTLE_BATCH reads them by position).
    const column = (name: string) => batch.map((row) => row[ALL_COLUMNS.findIndex(([column]) => column === name)]);
    expect(batch).toHaveLength(2);
    // 35 UsageRecord columns, then debit, leaseId, budgetIds, budgetPeriods, budgetSpent, budgetRelease, budgetLeaseIds, debitedAt.
    expect(ALL_COLUMNS).toHaveLength(43);
    for (const row of batch) expect(row).toHaveLength(43);
    expect(column('id')).toEqual(['u-1', 'u-2']);
    expect(column('requestId')).toEqual(['req-1', 'req-2']);
    expect(column('endpoint')).toEqual(['anthropic-messages', 'openai-chat']);
    // Tag sets travel as array literals, as recovered intents write them.
    expect(column('tags')).toEqual(['{feature/chat,team:a}', '{}']);
    expect(column('endUser')).toEqual(['user-7', null]);
    expect(column('upstreamCostUsd')).toEqual(['0.000001500000', '0.000000000000']);
    expect(column('billedCostUsd')).toEqual(['0.000001800000', '0.000000000000']);
    // JSON columns are JSON values in the row (read as jsonb), not strings to parse a second time.
    expect(column('unitPrices')).toEqual([{ input: '3', cachedInput: '0.3', cacheWrite: '3.75', cacheWrite1h: '6', output: '15' }, null]);
    expect(column('priceSource')).toEqual(['@pydantic/genai-prices 0.1.8', null]);
    expect(column('routing')).toEqual([{ why: 'cheapest' }, null]);
    expect(column('createdAt')).toEqual([createdAt.toISOString(), createdAt.toISOString()]);
    expect(column('debit')).toEqual(['0.000001800000', '0.000000000000']);
    expect(column('leaseId')).toEqual(['lease:1', null]);
    expect(column('budgetIds')).toEqual(['{key-1}', null]);
    expect(column('budgetPeriods')).toEqual(['{2025-03}', null]);
    expect(column('budgetSpent')).toEqual(['0.000001800000', null]);
    expect(column('budgetRelease')).toEqual(['0.000005000000', null]);
    expect(column('budgetLeaseIds')).toEqual(['{lease:2}', null]);
    expect(column('debitedAt')).toEqual([null, createdAt.toISOString()]);
  });
});
