import { describe, expect, it } from 'vitest';
import { costCsv, costOverTime, costRows } from '../../web/src/features/usage/model/cost.js';
import { failureClassSeries, failuresByProvider, topFailingKeys } from '../../web/src/features/usage/model/failures.js';
import { keyUsageRows, requestsLinkFor } from '../../web/src/features/usage/model/key-usage.js';
import { overviewModel } from '../../web/src/features/usage/model/overview.js';
import { timeSeries } from '../../web/src/features/usage/model/usage-series.js';
import { totalsOf } from '../../web/src/features/usage/model/usage-totals.js';
import { usageGroup } from './usage-group.js';

const g = usageGroup;
const RANGE = { from: '2025-06-01T00:00:00.000Z', to: '2025-06-04T00:00:00.000Z', interval: 'DAY' as const };
const D1 = '2025-06-01T00:00:00.000Z';
const D3 = '2025-06-03T00:00:00.000Z';

describe('usage totals and overview', () => {
  const groups = [
    // BYOK: the organization paid the 0.1 upstream with its own key; 0.1 is the platform's BYOK fee.
    g({ bucket: D1, keySource: 'byok', requests: 10, failures: 1, upstreamCostUsd: '0.1', platformCostUsd: '0', billedCostUsd: '0.1' }),
    g({ bucket: D1, keySource: 'hosted', requests: 5, upstreamCostUsd: '0.2', platformCostUsd: '0.2', billedCostUsd: '0.3' }),
    g({
      bucket: D3,
      keySource: 'hosted',
      requests: 5,
      failures: 1,
      upstreamCostUsd: '0.000001000000',
      platformCostUsd: '0.000001000000',
      billedCostUsd: '0.0000012',
    }),
  ];
  it('totals exactly, with error rate and margin over platform cost (BYOK upstream not counted)', () => {
    const t = totalsOf(groups);
    expect(t.requests).toBe(20);
    expect(t.errorRate).toBe(0.1);
    expect(t.upstreamPico).toBe(300_001_000_000n);
    expect(t.platformPico).toBe(200_001_000_000n);
    expect(t.billedPico).toBe(400_001_200_000n);
    // billed − platform cost = 0.4000012 − 0.200001
    expect(t.marginPico).toBe(200_000_200_000n);
    expect(t.marginRate).toBeCloseTo(0.2000002 / 0.4000012, 12);
    expect(totalsOf([]).errorRate).toBeNull();
    expect(totalsOf([]).marginRate).toBeNull();
  });
  it('does not let BYOK upstream cost make the margin negative', () => {
    // The old definition (billed − upstream) gave −780% here.
    const t = totalsOf([
      g({ keySource: 'byok', requests: 100, upstreamCostUsd: '8.8', platformCostUsd: '0', billedCostUsd: '0' }),
      g({ keySource: 'env', requests: 1, upstreamCostUsd: '0.8', platformCostUsd: '0.8', billedCostUsd: '1' }),
    ]);
    expect(t.marginPico).toBe(200_000_000_000n);
    expect(t.marginRate).toBeCloseTo(0.2, 12);
    // Nothing billed: no rate, whatever the cost.
    expect(totalsOf([g({ keySource: 'hosted', requests: 1, upstreamCostUsd: '1', platformCostUsd: '1' })]).marginRate).toBeNull();
  });
  it('fills missing days with zero and draws only the key sources that had traffic', () => {
    const model = overviewModel(groups, RANGE);
    expect(model.requestsBySource.series).toEqual(['byok', 'hosted']);
    expect(model.bySource.map((r) => r.keySource)).toEqual(['byok', 'hosted']);
    expect(model.requestsBySource.rows.map((r) => [r.bucket.slice(0, 10), r.byok, r.hosted])).toEqual([
      ['2025-06-01', 10, 5],
      ['2025-06-02', 0, 0],
      ['2025-06-03', 0, 5],
    ]);
    expect(model.billedBySource.rows[0]?.hosted).toBe(0.3);
    expect(model.errorRateSeries.map((p) => p.errorRate)).toEqual([1 / 15, null, 0.2]);
    expect(model.bySource.find((r) => r.keySource === 'hosted')).toMatchObject({
      requests: 10,
      failures: 1,
      billedUsd: 0.3000012,
      platformUsd: 0.200001,
    });
    expect(model.bySource.find((r) => r.keySource === 'byok')).toMatchObject({ upstreamUsd: 0.1, platformUsd: 0 });
    expect(model.totals.marginPico).toBe(200_000_200_000n);
  });
  it('says why the billed chart is empty when requests were made but nothing billed', () => {
    const unbilled = overviewModel([g({ bucket: D1, keySource: 'byok', requests: 443, billedCostUsd: '0' })], RANGE);
    expect(unbilled.billedBySource.series).toEqual([]);
    expect(unbilled.billedEmptyText).toContain('443 requests');
    expect(unbilled.billedEmptyText).not.toContain('No requests');
    expect(overviewModel([], RANGE).billedEmptyText).toBe('No requests in this range.');
  });
  it('folds small series into "other"', () => {
    const many = ['a', 'b', 'c'].map((k, i) => g({ bucket: D1, gatewayKeyId: k, requests: 3 - i }));
    const s = timeSeries(many, { ...RANGE, seriesOf: (x) => x.gatewayKeyId, valueOf: (x) => x.requests, limit: 1 });
    expect(s.series).toEqual(['a', 'other']);
    expect(s.rows[0]).toMatchObject({ a: 3, other: 3 });
  });
});

describe('usage per key', () => {
  it('merges groups per gateway key and links to its requests', () => {
    const rows = keyUsageRows(
      [
        g({
          gatewayKeyId: 'k1',
          gatewayKeyName: 'backend',
          organizationName: 'Acme',
          projectName: 'web',
          requests: 3,
          failures: 1,
          inputTokens: 30,
          outputTokens: 9,
          billedCostUsd: '0.5',
        }),
        g({
          gatewayKeyId: 'k1',
          gatewayKeyName: 'backend',
          organizationName: 'Acme',
          projectName: 'web',
          requests: 1,
          billedCostUsd: '0.25',
        }),
        g({ gatewayKeyId: 'k2', gatewayKeyName: 'cron', requests: 10 }),
      ],
      'gateway',
    );
    expect(rows.map((r) => r.id)).toEqual(['k2', 'k1']);
    expect(rows[1]).toMatchObject({
      label: 'backend',
      context: 'Acme / web',
      requests: 4,
      failures: 1,
      failureRate: 0.25,
      billedCostUsd: '0.750000',
      inputTokens: 30,
    });
    expect(requestsLinkFor('gateway', 'k1')).toBe('/requests?gatewayKeyId=k1');
    expect(requestsLinkFor('provider', 'OPENAI_API_KEY_1')).toBe('/requests?keyRef=OPENAI_API_KEY_1');
  });
  it('labels provider keys by their readable label and sources', () => {
    const rows = keyUsageRows([g({ keyRef: 'pk1', keyLabel: 'openai sk-…a1b2', keySource: 'byok', requests: 2 })], 'provider');
    expect(rows[0]).toMatchObject({ id: 'pk1', label: 'openai sk-…a1b2', context: 'byok' });
  });
});

describe('cost and margin', () => {
  const groups = [
    // Acme on hosted keys: the platform paid all of the upstream cost.
    g({
      organizationId: 'o1',
      organizationName: 'Acme',
      requests: 2,
      upstreamCostUsd: '1.10',
      platformCostUsd: '1.10',
      billedCostUsd: '1.32',
    }),
    // Globex on BYOK: it paid its provider itself; the platform bills a 5% fee and pays nothing upstream.
    g({
      organizationId: 'o2',
      organizationName: 'Globex, Inc',
      requests: 1,
      upstreamCostUsd: '3',
      platformCostUsd: '0',
      billedCostUsd: '0.15',
    }),
    // Globex's few hosted calls.
    g({
      organizationId: 'o2',
      organizationName: 'Globex, Inc',
      requests: 1,
      upstreamCostUsd: '0.000001000000',
      platformCostUsd: '0.000001000000',
      billedCostUsd: '0.000002',
    }),
  ];
  it('rows by dimension with exact margins over platform cost and a total', () => {
    const { rows, total } = costRows(groups, 'ORGANIZATION');
    expect(rows.map((r) => r.label)).toEqual(['Acme', 'Globex, Inc']);
    expect(rows[0]).toMatchObject({
      upstreamUsd: '1.100000000000',
      platformUsd: '1.100000000000',
      billedUsd: '1.320000000000',
      marginUsd: '0.220000000000',
    });
    expect(rows[0]?.marginRate).toBeCloseTo(0.1667, 4);
    // BYOK upstream (3 USD) is shown but does not count against the margin.
    expect(rows[1]).toMatchObject({
      requests: 2,
      upstreamUsd: '3.000001000000',
      platformUsd: '0.000001000000',
      billedUsd: '0.150002000000',
      marginUsd: '0.150001000000',
    });
    expect(rows[1]?.marginRate).toBeCloseTo(0.150001 / 0.150002, 9);
    expect(total).toMatchObject({
      label: 'Total',
      requests: 4,
      upstreamUsd: '4.100001000000',
      platformUsd: '1.100001000000',
      billedUsd: '1.470002000000',
      marginUsd: '0.370001000000',
    });
    expect(costRows([g({ model: 'm', requests: 1, upstreamCostUsd: '1', billedCostUsd: '0' })], 'MODEL').total.marginRate).toBeNull();
  });
  it('exports the same rows as CSV, with both upstream and platform cost', () => {
    const { rows, total } = costRows(groups, 'ORGANIZATION');
    expect(costCsv(rows, total, 'ORGANIZATION')).toBe(
      'Organization,Requests,Input tokens,Output tokens,Upstream cost (USD),Platform cost (USD),Billed cost (USD),Margin (USD),Margin %\r\n' +
        'Acme,2,0,0,1.100000000000,1.100000000000,1.320000000000,0.220000000000,16.7\r\n' +
        '"Globex, Inc",2,0,0,3.000001000000,0.000001000000,0.150002000000,0.150001000000,100.0\r\n' +
        'Total,4,0,0,4.100001000000,1.100001000000,1.470002000000,0.370001000000,25.2\r\n',
    );
  });
  it('labels projects with their organization', () => {
    const { rows } = costRows([g({ projectId: 'p1', projectName: 'web', organizationName: 'Acme', requests: 1 })], 'PROJECT');
    expect(rows[0]?.label).toBe('Acme / web');
  });
  it('cost over time per bucket', () => {
    const points = costOverTime(
      [
        g({ bucket: D3, keySource: 'hosted', upstreamCostUsd: '0.1', platformCostUsd: '0.1', billedCostUsd: '0.25' }),
        g({ bucket: D3, keySource: 'byok', upstreamCostUsd: '2', platformCostUsd: '0', billedCostUsd: '0' }),
      ],
      RANGE,
    );
    expect(points).toHaveLength(3);
    expect(points[2]).toEqual({ bucket: D3, upstream: 2.1, platform: 0.1, billed: 0.25, margin: 0.15 });
    expect(points[0]).toMatchObject({ upstream: 0, platform: 0, billed: 0, margin: 0 });
  });
});

describe('failures', () => {
  it('stacks only the classes that occurred, in the spec order', () => {
    const s = failureClassSeries(
      [g({ bucket: D1, failureClass: 'UPSTREAM_ERROR', requests: 2 }), g({ bucket: D1, failureClass: 'AUTH', requests: 1 })],
      RANGE,
    );
    expect(s.series).toEqual(['AUTH', 'UPSTREAM_ERROR']);
    expect(s.rows[0]).toMatchObject({ AUTH: 1, UPSTREAM_ERROR: 2 });
  });
  it('ranks failing keys, ignoring cancellations, with a failure rate', () => {
    const rows = topFailingKeys(
      [
        g({ keyRef: 'OPENAI_API_KEY_1', provider: 'openai', failureClass: 'RATE_LIMIT', requests: 3 }),
        g({ keyRef: 'OPENAI_API_KEY_1', provider: 'openai', failureClass: 'AUTH', requests: 1 }),
        g({ keyRef: 'pk', keyLabel: 'groq gsk_…9', provider: 'groq', failureClass: 'CANCELLED', requests: 7 }),
        g({ keyRef: 'pk2', provider: 'groq', failureClass: 'TIMEOUT', requests: 1 }),
      ],
      [g({ keyRef: 'OPENAI_API_KEY_1', provider: 'openai', requests: 8 }), g({ keyRef: 'pk2', provider: 'groq', requests: 1 })],
    );
    expect(rows.map((r) => [r.id, r.failures, r.requests, r.failureRate])).toEqual([
      ['OPENAI_API_KEY_1', 4, 8, 0.5],
      ['pk2', 1, 1, 1],
    ]);
    expect(rows[0]?.classes).toEqual([
      { failureClass: 'RATE_LIMIT', count: 3 },
      { failureClass: 'AUTH', count: 1 },
    ]);
  });
  it('failures per provider', () => {
    const { rows, classes } = failuresByProvider([
      g({ provider: 'openai', failureClass: 'TIMEOUT', requests: 2 }),
      g({ provider: 'groq', failureClass: 'AUTH', requests: 5 }),
    ]);
    expect(classes).toEqual(['AUTH', 'TIMEOUT']);
    expect(rows).toEqual([
      { provider: 'groq', AUTH: 5, TIMEOUT: 0 },
      { provider: 'openai', AUTH: 0, TIMEOUT: 2 },
    ]);
  });
});
