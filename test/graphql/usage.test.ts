import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../server/db/generated/client.js';
import { PERCENTILE_MAX_RELATIVE_ERROR } from '../../server/domain/usage/usage-histogram.js';
import { codesOf, type SeededUser, seedOrganization, seedProject, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const USAGE = `query($filter: UsageFilterInput, $groupBy: [UsageDimension!], $interval: UsageInterval) {
  usage(filter: $filter, groupBy: $groupBy, interval: $interval) {
    from to interval groupBy truncated
    groups { bucket organizationId organizationName projectId projectName gatewayKeyId gatewayKeyName keyRef keyLabel
      provider model keySource status failureClass requests inputTokens cachedInputTokens outputTokens
      upstreamCostUsd platformCostUsd billedCostUsd failures cancelled costUnknown latencyP50Ms latencyP95Ms latencyP99Ms ttftP50Ms } } }`;

const LOGS = `query($filter: UsageFilterInput, $first: Int, $after: String) {
  requestLogs(filter: $filter, first: $first, after: $after) {
    nodes { id requestId organizationId projectId gatewayKeyId provider model keySource keyRef inputTokens cachedInputTokens
      outputTokens tokensEstimated upstreamCostUsd billedCostUsd costKnown status failureClass httpStatus errorMessage
      latencyMs ttftMs streamed attempts routing createdAt }
    pageInfo { hasNextPage endCursor } } }`;

interface Group {
  bucket: string | null;
  organizationId: string | null;
  organizationName: string | null;
  projectName: string | null;
  gatewayKeyName: string | null;
  keyRef: string | null;
  keyLabel: string | null;
  provider: string | null;
  model: string | null;
  keySource: string | null;
  status: string | null;
  failureClass: string | null;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  upstreamCostUsd: string;
  platformCostUsd: string;
  billedCostUsd: string;
  failures: number;
  cancelled: number;
  costUnknown: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
}
interface Report {
  usage: { from: string; to: string; interval: string; groupBy: string[]; truncated: boolean; groups: Group[] };
}
interface Log {
  requestId: string;
  organizationId: string;
  createdAt: string;
  routing: unknown;
  [field: string]: unknown;
}
interface Logs {
  requestLogs: { nodes: Log[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

// A fixed window in the past: 2025-06-01 is a Sunday.
const DAY1 = Date.parse('2025-06-01T00:00:00.000Z');
const DAY2 = Date.parse('2025-06-02T00:00:00.000Z');
const WINDOW = { from: '2025-05-31T00:00:00.000Z', to: '2025-06-04T00:00:00.000Z' };
const HOUR = 3_600_000;

describe.each(availableBackends())('usage and request logs on %s', (backend) => {
  let t: TestServer;
  let orgA: { id: string; name: string };
  let orgB: { id: string; name: string };
  let projectA: { id: string; name: string };
  let projectA2: { id: string; name: string };
  let projectB: { id: string; name: string };
  let gatewayKeyA: string;
  let providerKeyA: { id: string; mask: string };
  let memberA: SeededUser;
  let loner: SeededUser;
  const requestIdsA: string[] = [];
  const requestIdsB: string[] = [];

  const record = (overrides: Partial<Prisma.UsageRecordCreateManyInput> & { createdAt: Date }): Prisma.UsageRecordCreateManyInput => ({
    requestId: `req_${randomUUID()}`,
    organizationId: orgA.id,
    projectId: projectA.id,
    gatewayKeyId: gatewayKeyA,
    provider: 'openai',
    model: 'gpt-4o-mini',
    keySource: 'byok',
    keyRef: providerKeyA.id,
    inputTokens: 100,
    cachedInputTokens: 10,
    outputTokens: 50,
    upstreamCostUsd: '0.001000000000',
    billedCostUsd: '0',
    status: 'SUCCESS',
    httpStatus: 200,
    latencyMs: 100,
    ttftMs: null,
    streamed: false,
    routing: {
      model: 'gpt-4o-mini',
      candidates: [{ provider: 'openai', source: 'byok', status: 'ok' }],
      order: ['openai'],
      why: 'only candidate',
      attempts: [],
    },
    ...overrides,
  });

  beforeAll(async () => {
    t = await startTestServer(backend);
    orgA = await seedOrganization(t, 'Usage Alpha');
    orgB = await seedOrganization(t, 'Usage Bravo');
    projectA = await seedProject(t, orgA.id, 'alpha-web');
    projectA2 = await seedProject(t, orgA.id, 'alpha-batch');
    projectB = await seedProject(t, orgB.id, 'bravo-app');
    memberA = await seedUser(t, orgA.id, 'MEMBER');
    loner = await seedUser(t, null, 'MEMBER');
    const gk = await t.gqlOk<{ createGatewayKey: { key: { id: string } } }>(
      'mutation($p: ID!) { createGatewayKey(input: { projectId: $p, name: "alpha key" }) { key { id } } }',
      { p: projectA.id },
    );
    gatewayKeyA = gk.createGatewayKey.key.id;
    const pk = await t.gqlOk<{ setProviderKey: { id: string; mask: string } }>(
      'mutation { setProviderKey(input: { organizationId: "' +
        orgA.id +
        '", provider: "openai", key: "sk-usagetest0123456789abcdefa1b2" }) { id mask } }',
    );
    providerKeyA = pk.setProviderKey;

    const rows: Prisma.UsageRecordCreateManyInput[] = [];
    // Day 1, org A: 10 byok openai calls, latencies 100..1000 ms, one per hour; two fail.
    for (let i = 0; i < 10; i += 1) {
      const failed = i === 3 || i === 7;
      rows.push(
        record({
          createdAt: new Date(DAY1 + i * HOUR),
          latencyMs: (i + 1) * 100,
          ttftMs: (i + 1) * 10,
          streamed: true,
          ...(failed
            ? {
                status: 'FAILED',
                failureClass: i === 3 ? 'RATE_LIMIT' : 'UPSTREAM_ERROR',
                httpStatus: i === 3 ? 429 : 502,
                errorMessage: 'upstream said no',
                inputTokens: 0,
                cachedInputTokens: 0,
                outputTokens: 0,
                upstreamCostUsd: '0',
              }
            : {}),
        }),
      );
    }
    // The last millisecond of day 1, and the first of day 2: bucket boundaries.
    rows.push(record({ createdAt: new Date(DAY2 - 1), latencyMs: 50 }));
    rows.push(record({ createdAt: new Date(DAY2), projectId: projectA2.id, latencyMs: 50 }));
    // Day 2, org A: 4 hosted anthropic calls in project 2; one unpriced, one cancelled.
    for (let i = 0; i < 4; i += 1) {
      rows.push(
        record({
          createdAt: new Date(DAY2 + (i + 1) * HOUR),
          projectId: projectA2.id,
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          keySource: 'hosted',
          keyRef: 'ANTHROPIC_API_KEY_1',
          inputTokens: 1000,
          cachedInputTokens: 0,
          outputTokens: 200,
          upstreamCostUsd: i === 0 ? '0' : '0.002000000001',
          billedCostUsd: i === 0 ? '0' : '0.002500000001',
          costKnown: i !== 0,
          latencyMs: 300,
          ...(i === 3 ? { status: 'CANCELLED', failureClass: 'CANCELLED', httpStatus: 499 } : {}),
        }),
      );
    }
    // Org B: 3 calls on day 2, one of them at the same instant as one of A's.
    for (let i = 0; i < 3; i += 1) {
      rows.push(
        record({
          createdAt: new Date(DAY2 + HOUR),
          organizationId: orgB.id,
          projectId: projectB.id,
          gatewayKeyId: randomUUID(),
          keySource: 'env',
          keyRef: 'OPENAI_API_KEY',
          upstreamCostUsd: '1',
          billedCostUsd: '1.5',
          latencyMs: 9_000,
        }),
      );
    }
    // Outside the window: must never be counted.
    rows.push(record({ createdAt: new Date('2025-05-01T00:00:00.000Z'), latencyMs: 1 }));
    await t.server.db.prisma.usageRecord.createMany({ data: rows });
    for (const row of rows) {
      if (row.createdAt && (row.createdAt as Date).getTime() < Date.parse(WINDOW.from)) continue;
      (row.organizationId === orgA.id ? requestIdsA : requestIdsB).push(row.requestId);
    }
  });
  afterAll(() => t?.close());

  const usage = (variables: Record<string, unknown>, token?: string) => t.gqlOk<Report>(USAGE, { filter: WINDOW, ...variables }, token);

  it('sums every measure exactly over the whole window', async () => {
    const { usage: report } = await usage({});
    expect(report).toMatchObject({ from: WINDOW.from, to: WINDOW.to, interval: 'DAY', groupBy: [], truncated: false });
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({
      requests: 19,
      // 10 byok successes × 100 + 4 hosted × 1000 + 3 B × 100
      inputTokens: 1000 + 4000 + 300,
      cachedInputTokens: 100 + 30,
      outputTokens: 500 + 800 + 150,
      // 10 × 0.001 + 3 × 0.002000000001 + 3 × 1
      upstreamCostUsd: '3.016000000003',
      // Only calls on platform keys: 3 hosted × 0.002000000001 + 3 env × 1; the 10 byok × 0.001 were paid by org A.
      platformCostUsd: '3.006000000003',
      billedCostUsd: '4.507500000003',
      failures: 2,
      cancelled: 1,
      costUnknown: 1,
    });
  });

  it('counts as platform cost only the upstream cost of calls on platform keys (hosted, env)', async () => {
    const bySource = (await usage({ groupBy: ['KEY_SOURCE'] })).usage.groups;
    expect(Object.fromEntries(bySource.map((g) => [g.keySource, [g.upstreamCostUsd, g.platformCostUsd]]))).toEqual({
      byok: ['0.01', '0'],
      hosted: ['0.006000000003', '0.006000000003'],
      env: ['3', '3'],
    });
    // Per organization and day: A's byok day has no platform cost at all; the sum stays exact.
    const perDay = (await usage({ groupBy: ['ORGANIZATION', 'TIME'] })).usage.groups;
    expect(perDay.map((g) => [g.bucket?.slice(0, 10), g.organizationName, g.upstreamCostUsd, g.platformCostUsd])).toEqual([
      ['2025-06-01', 'Usage Alpha', '0.009', '0'],
      ['2025-06-02', 'Usage Alpha', '0.007000000003', '0.006000000003'],
      ['2025-06-02', 'Usage Bravo', '3', '3'],
    ]);
    // Filtered to BYOK only: upstream cost, but nothing the platform paid.
    const byok = (await usage({ filter: { ...WINDOW, keySource: 'byok' } })).usage.groups[0] as Group;
    expect([byok.requests, byok.upstreamCostUsd, byok.platformCostUsd]).toEqual([12, '0.01', '0']);
  });

  it('estimates latency percentiles within the documented bound of percentile_cont', async () => {
    const { usage: report } = await usage({
      filter: { ...WINDOW, organizationId: orgA.id, provider: 'openai', projectId: projectA.id },
      groupBy: ['PROVIDER'],
    });
    expect(report.groups).toHaveLength(1);
    // 50 ms and 100..1000 ms: eleven values.
    const group = report.groups[0] as Group;
    expect(group.requests).toBe(11);
    // From log-scale histograms: within PERCENTILE_MAX_RELATIVE_ERROR (~9%) of percentile_cont.
    const near = (value: number | null, exact: number) =>
      expect(Math.abs((value ?? NaN) - exact) / exact).toBeLessThanOrEqual(PERCENTILE_MAX_RELATIVE_ERROR);
    near(group.latencyP50Ms, 500);
    near(group.latencyP95Ms, 950);
    near(group.latencyP99Ms, 990);
    near(group.ttftP50Ms, 55);
  });

  it('puts records in UTC day, hour, week and month buckets at their boundaries', async () => {
    const days = (await usage({ filter: { ...WINDOW, organizationId: orgA.id }, groupBy: ['TIME'], interval: 'DAY' })).usage.groups;
    expect(days.map((g) => [g.bucket, g.requests])).toEqual([
      ['2025-06-01T00:00:00.000Z', 11],
      ['2025-06-02T00:00:00.000Z', 5],
    ]);
    const hours = (
      await usage({
        filter: { from: '2025-06-01T23:00:00.000Z', to: '2025-06-02T02:00:00.000Z', organizationId: orgA.id },
        groupBy: ['TIME'],
        interval: 'HOUR',
      })
    ).usage.groups;
    expect(hours.map((g) => [g.bucket, g.requests])).toEqual([
      ['2025-06-01T23:00:00.000Z', 1],
      ['2025-06-02T00:00:00.000Z', 1],
      ['2025-06-02T01:00:00.000Z', 1],
    ]);
    // ISO weeks start on Monday; 2025-06-01 is a Sunday.
    const weeks = (await usage({ filter: { ...WINDOW, organizationId: orgA.id }, groupBy: ['TIME'], interval: 'WEEK' })).usage.groups;
    expect(weeks.map((g) => [g.bucket, g.requests])).toEqual([
      ['2025-05-26T00:00:00.000Z', 11],
      ['2025-06-02T00:00:00.000Z', 5],
    ]);
    const months = (await usage({ groupBy: ['TIME'], interval: 'MONTH' })).usage.groups;
    expect(months.map((g) => [g.bucket, g.requests])).toEqual([['2025-06-01T00:00:00.000Z', 19]]);
  });

  it('groups by several dimensions, with names from a second lookup', async () => {
    const { usage: report } = await usage({ groupBy: ['ORGANIZATION', 'PROJECT', 'KEY_SOURCE', 'PROVIDER_KEY'] });
    const byProject = Object.fromEntries(report.groups.map((g) => [`${g.projectName}/${g.keySource}`, g]));
    expect(Object.keys(byProject).sort()).toEqual(['alpha-batch/byok', 'alpha-batch/hosted', 'alpha-web/byok', 'bravo-app/env']);
    expect(byProject['alpha-web/byok']).toMatchObject({
      organizationName: 'Usage Alpha',
      requests: 11,
      keyRef: providerKeyA.id,
      keyLabel: `openai ${providerKeyA.mask}`,
    });
    // A BYOK group: upstream cost the organization paid with its own key, none of it the platform's.
    expect(byProject['alpha-web/byok']).toMatchObject({ upstreamCostUsd: '0.009', platformCostUsd: '0' });
    expect(byProject['alpha-batch/hosted']).toMatchObject({
      requests: 4,
      keyRef: 'ANTHROPIC_API_KEY_1',
      keyLabel: 'ANTHROPIC_API_KEY_1',
      upstreamCostUsd: '0.006000000003',
      platformCostUsd: '0.006000000003',
      billedCostUsd: '0.007500000003',
    });
    expect(byProject['bravo-app/env']).toMatchObject({
      organizationName: 'Usage Bravo',
      requests: 3,
      upstreamCostUsd: '3',
      platformCostUsd: '3',
      billedCostUsd: '4.5',
    });
    // Busiest first when time is not grouped.
    expect(report.groups[0]?.requests).toBe(11);

    const keys = (await usage({ groupBy: ['GATEWAY_KEY', 'MODEL'], filter: { ...WINDOW, organizationId: orgA.id } })).usage.groups;
    expect(keys.map((g) => [g.gatewayKeyName, g.model, g.requests])).toEqual([
      ['alpha key', 'gpt-4o-mini', 12],
      ['alpha key', 'claude-haiku-4-5', 4],
    ]);

    const statuses = (await usage({ groupBy: ['STATUS', 'FAILURE_CLASS'] })).usage.groups;
    expect(statuses.map((g) => [g.status, g.failureClass, g.requests])).toEqual([
      ['SUCCESS', null, 16],
      ['CANCELLED', 'CANCELLED', 1],
      ['FAILED', 'RATE_LIMIT', 1],
      ['FAILED', 'UPSTREAM_ERROR', 1],
    ]);
  });

  it('filters by every field', async () => {
    const total = async (filter: Record<string, unknown>) =>
      (await usage({ filter: { ...WINDOW, ...filter } })).usage.groups[0]?.requests ?? 0;
    expect(await total({ organizationId: orgB.id })).toBe(3);
    expect(await total({ projectId: projectA2.id })).toBe(5);
    expect(await total({ gatewayKeyId: gatewayKeyA })).toBe(16);
    expect(await total({ provider: 'anthropic' })).toBe(4);
    expect(await total({ model: 'gpt-4o-mini' })).toBe(15);
    expect(await total({ keySource: 'hosted' })).toBe(4);
    expect(await total({ keySource: 'env' })).toBe(3);
    expect(await total({ status: 'FAILED' })).toBe(2);
    expect(await total({ failureClass: 'RATE_LIMIT' })).toBe(1);
    expect(await total({ keyRef: 'ANTHROPIC_API_KEY_1' })).toBe(4);
    expect(await total({ provider: "openai' OR 1=1 --" })).toBe(0);
    // No groups at all when nothing matches.
    expect((await usage({ filter: { ...WINDOW, model: 'nope' } })).usage.groups).toEqual([]);
  });

  it('defaults to the last 30 days', async () => {
    const now = Date.now();
    await t.server.db.prisma.usageRecord.createMany({
      data: [
        record({ createdAt: new Date(now - 2 * HOUR), model: 'recent-model' }),
        record({ createdAt: new Date(now - 31 * 24 * HOUR), model: 'recent-model' }),
      ],
    });
    const data = await t.gqlOk<Report>(USAGE, { filter: { model: 'recent-model' } });
    expect(data.usage.groups.map((g) => g.requests)).toEqual([1]);
    expect(Date.parse(data.usage.to) - Date.parse(data.usage.from)).toBe(30 * 24 * HOUR);
    const noFilter = await t.gqlOk<Report>(USAGE, {});
    expect(noFilter.usage.groups[0]?.requests).toBe(1);
  });

  it('keeps members to their organizations', async () => {
    const own = await usage({ groupBy: ['ORGANIZATION'] }, memberA.token);
    expect(own.usage.groups.map((g) => [g.organizationId, g.requests])).toEqual([[orgA.id, 16]]);
    // Another organization's project id matches nothing of theirs.
    expect((await usage({ filter: { ...WINDOW, projectId: projectB.id } }, memberA.token)).usage.groups).toEqual([]);
    const denied = await t.gql(USAGE, { filter: { ...WINDOW, organizationId: orgB.id } }, memberA.token);
    expect(codesOf(denied)).toEqual(['FORBIDDEN']);
    expect(denied.data ?? null).toBeNull();
    const deniedLogs = await t.gql(LOGS, { filter: { ...WINDOW, organizationId: orgB.id } }, memberA.token);
    expect(codesOf(deniedLogs)).toEqual(['FORBIDDEN']);
    const logs = await t.gqlOk<Logs>(LOGS, { filter: WINDOW, first: 200 }, memberA.token);
    expect(new Set(logs.requestLogs.nodes.map((n) => n.organizationId))).toEqual(new Set([orgA.id]));
    const other = await t.gql('query($r: String!) { requestLog(requestId: $r) { requestId } }', { r: requestIdsB[0] }, memberA.token);
    expect(codesOf(other)).toEqual(['NOT_FOUND']);
    // Someone in no organization sees nothing, and no error.
    expect((await usage({}, loner.token)).usage.groups).toEqual([]);
    expect((await t.gqlOk<Logs>(LOGS, { filter: WINDOW }, loner.token)).requestLogs.nodes).toEqual([]);
    expect(codesOf(await t.gql(USAGE, {}, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('rejects bad ranges and groupings', async () => {
    const bad = async (variables: Record<string, unknown>) => codesOf(await t.gql(USAGE, variables));
    expect(await bad({ filter: { from: WINDOW.to, to: WINDOW.from } })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ filter: { from: WINDOW.from, to: WINDOW.from } })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ filter: { from: '2024-01-01T00:00:00.000Z', to: '2025-02-05T00:00:00.000Z' } })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ filter: WINDOW, groupBy: ['TIME', 'ORGANIZATION', 'PROJECT', 'MODEL', 'STATUS'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ filter: WINDOW, groupBy: ['MODEL', 'MODEL'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ filter: WINDOW, groupBy: ['nope'] })).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await t.gql(LOGS, { filter: { from: WINDOW.to, to: WINDOW.from } }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await t.gql(LOGS, { filter: WINDOW, after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('pages through request logs newest first without duplicates or gaps', async () => {
    const seen: Log[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const data: Logs = await t.gqlOk<Logs>(LOGS, { filter: WINDOW, first: 4, after });
      seen.push(...data.requestLogs.nodes);
      if (!data.requestLogs.pageInfo.hasNextPage) break;
      after = data.requestLogs.pageInfo.endCursor;
    }
    const ids = seen.map((n) => n.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set([...requestIdsA, ...requestIdsB]));
    const times = seen.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const failed = await t.gqlOk<Logs>(LOGS, { filter: { ...WINDOW, status: 'FAILED' } });
    expect(failed.requestLogs.nodes.map((n) => n.failureClass)).toEqual(['UPSTREAM_ERROR', 'RATE_LIMIT']);
  });

  it("shows one request's every field", async () => {
    const logs = await t.gqlOk<Logs>(LOGS, { filter: { ...WINDOW, failureClass: 'RATE_LIMIT' } });
    const requestId = logs.requestLogs.nodes[0]?.requestId as string;
    const detail = await t.gqlOk<{ requestLog: Record<string, unknown> }>(
      `query($r: String!) { requestLog(requestId: $r) { requestId organizationId projectId gatewayKeyId provider model keySource keyRef
        inputTokens cachedInputTokens outputTokens tokensEstimated upstreamCostUsd billedCostUsd costKnown status failureClass
        httpStatus errorMessage latencyMs ttftMs streamed attempts routing createdAt } }`,
      { r: requestId },
      memberA.token,
    );
    expect(detail.requestLog).toEqual({
      requestId,
      organizationId: orgA.id,
      projectId: projectA.id,
      gatewayKeyId: gatewayKeyA,
      provider: 'openai',
      model: 'gpt-4o-mini',
      keySource: 'byok',
      keyRef: providerKeyA.id,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      tokensEstimated: false,
      upstreamCostUsd: '0',
      billedCostUsd: '0',
      costKnown: true,
      status: 'FAILED',
      failureClass: 'RATE_LIMIT',
      httpStatus: 429,
      errorMessage: 'upstream said no',
      latencyMs: 400,
      ttftMs: 40,
      streamed: true,
      attempts: 1,
      routing: {
        model: 'gpt-4o-mini',
        candidates: [{ provider: 'openai', source: 'byok', status: 'ok' }],
        order: ['openai'],
        why: 'only candidate',
        attempts: [],
      },
      createdAt: new Date(DAY1 + 3 * HOUR).toISOString(),
    });
    expect(codesOf(await t.gql('{ requestLog(requestId: "req_missing") { requestId } }'))).toEqual(['NOT_FOUND']);
  });
});
