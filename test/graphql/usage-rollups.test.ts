import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../server/db/generated/client.js';
import type { Actor } from '../../server/domain/actor.js';
import { type UsageGroup, UsageService } from '../../server/domain/usage/usage.service.js';
import { PERCENTILE_MAX_RELATIVE_ERROR } from '../../server/domain/usage/usage-histogram.js';
import { UsageRollupJob } from '../../server/domain/usage/usage-rollup-job.js';
import { seedOrganization, seedProject } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const USAGE = `query($filter: UsageFilterInput, $groupBy: [UsageDimension!], $interval: UsageInterval) {
  usage(filter: $filter, groupBy: $groupBy, interval: $interval) {
    truncated
    groups { bucket organizationId projectId gatewayKeyId keyRef provider model keySource status failureClass endpoint endUser tag requests inputTokens
      cachedInputTokens outputTokens upstreamCostUsd platformCostUsd billedCostUsd failures cancelled costUnknown
      latencyP50Ms latencyP95Ms latencyP99Ms ttftP50Ms } } }`;

type Dimension =
  | 'TIME'
  | 'ORGANIZATION'
  | 'PROJECT'
  | 'GATEWAY_KEY'
  | 'PROVIDER_KEY'
  | 'PROVIDER'
  | 'MODEL'
  | 'KEY_SOURCE'
  | 'STATUS'
  | 'FAILURE_CLASS'
  | 'ENDPOINT'
  | 'END_USER'
  | 'TAG';
type Interval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';
type Group = Record<string, unknown> & { requests: number; latencyP50Ms: number | null };

/** What the test generated, to compute the expected report in plain code. */
interface Generated {
  createdAt: number;
  organizationId: string;
  projectId: string;
  gatewayKeyId: string;
  keyRef: string | null;
  provider: string | null;
  model: string;
  keySource: string | null;
  status: 'SUCCESS' | 'FAILED' | 'CANCELLED';
  failureClass: string | null;
  endpoint: string;
  endUser: string | null;
  /** Sorted, as the gateway stores them. */
  tags: string[];
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  upstreamPico: bigint;
  billedPico: bigint;
  costKnown: boolean;
  latencyMs: number;
  ttftMs: number | null;
}

// 2025-03-10 is a Monday; the records spread over four UTC days.
const START = Date.parse('2025-03-10T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OPERATOR: Actor = { userId: 'test-operator', email: 'operator@example.test', isOperator: true, roles: new Map(), label: 'test' };

/** mulberry32: the same records every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const picoText = (pico: bigint) => {
  const text = pico.toString().padStart(13, '0');
  return `${text.slice(0, -12)}.${text.slice(-12)}`;
};
/** As the Decimal scalar prints it: no trailing zeros. */
const decimal = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);

function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const low = sorted[lower] as number;
  const high = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  return low + (position - lower) * (high - low);
}

function bucketOf(time: number, interval: Interval): string {
  const date = new Date(time);
  if (interval === 'HOUR') return new Date(Math.floor(time / HOUR) * HOUR).toISOString();
  if (interval === 'DAY') return new Date(Math.floor(time / DAY) * DAY).toISOString();
  if (interval === 'MONTH') return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)).toISOString();
  const day = Math.floor(time / DAY) * DAY;
  return new Date(day - ((date.getUTCDay() + 6) % 7) * DAY).toISOString();
}

const FIELD: Record<Exclude<Dimension, 'TIME' | 'TAG'>, keyof Generated> = {
  ORGANIZATION: 'organizationId',
  PROJECT: 'projectId',
  GATEWAY_KEY: 'gatewayKeyId',
  PROVIDER_KEY: 'keyRef',
  PROVIDER: 'provider',
  MODEL: 'model',
  KEY_SOURCE: 'keySource',
  STATUS: 'status',
  FAILURE_CLASS: 'failureClass',
  ENDPOINT: 'endpoint',
  END_USER: 'endUser',
};
const ALIAS: Record<Dimension, string> = { TIME: 'bucket', TAG: 'tag', ...FIELD } as Record<Dimension, string>;

function keyOf(values: Record<string, unknown>, groupBy: readonly Dimension[]): string {
  return JSON.stringify(groupBy.map((d) => values[ALIAS[d]] ?? null));
}

/** The report computed from the generated records: exact sums, exact percentile_cont. */
function expectedReport(
  records: readonly Generated[],
  from: number,
  to: number,
  groupBy: readonly Dimension[],
  interval: Interval,
  where: (r: Generated) => boolean = () => true,
) {
  const groups = new Map<string, { records: Generated[] }>();
  for (const r of records) {
    if (r.createdAt < from || r.createdAt >= to || !where(r)) continue;
    // TAG: the record counts in each of its tags; untagged in the null group.
    const tags = groupBy.includes('TAG') && r.tags.length > 0 ? r.tags : [null];
    for (const tag of tags) {
      const values: Record<string, unknown> = { bucket: bucketOf(r.createdAt, interval), tag };
      for (const d of groupBy) if (d !== 'TIME' && d !== 'TAG') values[ALIAS[d]] = r[FIELD[d]];
      const key = keyOf(values, groupBy);
      const group = groups.get(key) ?? { records: [] };
      group.records.push(r);
      groups.set(key, group);
    }
  }
  return new Map(
    [...groups].map(([key, { records: rs }]) => {
      const sum = (pick: (r: Generated) => number) => rs.reduce((total, r) => total + pick(r), 0);
      const pico = (pick: (r: Generated) => bigint) => rs.reduce((total, r) => total + pick(r), 0n);
      const latencies = rs.map((r) => r.latencyMs);
      const ttfts = rs.flatMap((r) => (r.ttftMs === null ? [] : [r.ttftMs]));
      return [
        key,
        {
          exact: {
            requests: rs.length,
            inputTokens: sum((r) => r.inputTokens),
            cachedInputTokens: sum((r) => r.cachedInputTokens),
            outputTokens: sum((r) => r.outputTokens),
            upstreamCostUsd: decimal(picoText(pico((r) => r.upstreamPico))),
            platformCostUsd: decimal(picoText(pico((r) => (r.keySource === 'hosted' || r.keySource === 'env' ? r.upstreamPico : 0n)))),
            billedCostUsd: decimal(picoText(pico((r) => r.billedPico))),
            failures: rs.filter((r) => r.status === 'FAILED').length,
            cancelled: rs.filter((r) => r.status === 'CANCELLED').length,
            costUnknown: rs.filter((r) => !r.costKnown).length,
          },
          percentiles: {
            latencyP50Ms: percentileCont(latencies, 0.5),
            latencyP95Ms: percentileCont(latencies, 0.95),
            latencyP99Ms: percentileCont(latencies, 0.99),
            ttftP50Ms: percentileCont(ttfts, 0.5),
          },
        },
      ];
    }),
  );
}

describe.each(availableBackends())('usage rollups on %s', (backend) => {
  let t: TestServer;
  let organizationId: string;
  let projectIds: string[];
  const gatewayKeyIds = [randomUUID(), randomUUID(), randomUUID()];
  const records: Generated[] = [];
  const random = prng(20250310);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

  const generate = (count: number, from: number, to: number): Generated[] =>
    Array.from({ length: count }, () => {
      const status = pick(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'CANCELLED'] as const);
      const keySource = pick(['byok', 'user', 'hosted', 'env', null]);
      const latencyKind = random();
      const latencyMs =
        latencyKind < 0.05 ? 0 : latencyKind < 0.15 ? Math.floor(random() * 12) : Math.floor(Math.exp(random() * Math.log(3_000_000)));
      return {
        createdAt: from + Math.floor(random() * (to - from)),
        organizationId,
        projectId: pick(projectIds),
        gatewayKeyId: pick(gatewayKeyIds),
        keyRef: keySource === null ? null : keySource === 'user' ? 'header' : pick(['pk-1', 'pk-2', 'OPENAI_API_KEY']),
        provider: pick(['openai', 'anthropic', 'google', null]),
        model: pick(['gpt-4o-mini', 'claude-haiku-4-5', 'gemini-2.0-flash']),
        keySource,
        status,
        failureClass: status === 'FAILED' ? pick(['RATE_LIMIT', 'UPSTREAM_ERROR', 'TIMEOUT']) : status === 'CANCELLED' ? 'CANCELLED' : null,
        endpoint: pick(['openai-chat', 'anthropic-messages', 'openai-responses', 'embeddings']),
        endUser: pick(['alice', 'bob', 'carol', null]),
        tags: pick([[], ['team:a'], ['team:b'], ['feature/chat', 'team:a'], ['env-prod', 'feature/chat', 'team:b']]),
        inputTokens: Math.floor(random() * 5000),
        cachedInputTokens: Math.floor(random() * 100),
        outputTokens: Math.floor(random() * 2000),
        upstreamPico: random() < 0.1 ? 0n : BigInt(Math.floor(random() * 5_000_000_000)) * 1000n + BigInt(Math.floor(random() * 1000)),
        billedPico: BigInt(Math.floor(random() * 9_000_000_000)) * 1000n + BigInt(Math.floor(random() * 1000)),
        costKnown: random() > 0.05,
        latencyMs,
        ttftMs: random() < 0.4 ? null : Math.floor(random() * 4000),
      };
    });

  const insert = async (batch: Generated[]) => {
    const data: Prisma.UsageRecordCreateManyInput[] = batch.map((r) => ({
      requestId: `req_${randomUUID()}`,
      organizationId: r.organizationId,
      projectId: r.projectId,
      gatewayKeyId: r.gatewayKeyId,
      provider: r.provider,
      model: r.model,
      keySource: r.keySource as Prisma.UsageRecordCreateManyInput['keySource'],
      keyRef: r.keyRef,
      inputTokens: r.inputTokens,
      cachedInputTokens: r.cachedInputTokens,
      outputTokens: r.outputTokens,
      upstreamCostUsd: picoText(r.upstreamPico),
      billedCostUsd: picoText(r.billedPico),
      costKnown: r.costKnown,
      status: r.status,
      failureClass: r.failureClass as Prisma.UsageRecordCreateManyInput['failureClass'],
      endpoint: r.endpoint,
      endUser: r.endUser,
      tags: r.tags,
      httpStatus: r.status === 'FAILED' ? 502 : 200,
      latencyMs: r.latencyMs,
      ttftMs: r.ttftMs,
      createdAt: new Date(r.createdAt),
    }));
    await t.server.db.prisma.usageRecord.createMany({ data });
    records.push(...batch);
  };

  const scopeOf = (where?: Partial<Record<string, string>>) => (r: Generated) =>
    Object.entries(where ?? {}).every(([field, value]) =>
      field === 'tag' ? r.tags.includes(value as string) : (r as unknown as Record<string, unknown>)[field] === value,
    );

  /** The report through GraphQL (rollups + raw) against the generated records. */
  const check = async (
    from: number,
    to: number,
    groupBy: Dimension[],
    interval: Interval,
    filter: Partial<Record<string, string>> = {},
  ) => {
    const { usage } = await t.gqlOk<{ usage: { truncated: boolean; groups: Group[] } }>(USAGE, {
      filter: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), organizationId, ...filter },
      groupBy,
      interval,
    });
    const expected = expectedReport(records, from, to, groupBy, interval, scopeOf(filter));
    const label = `${groupBy.join('×') || 'total'} ${interval} ${new Date(from).toISOString()}…${new Date(to).toISOString()} ${JSON.stringify(filter)}`;
    expect(usage.truncated, label).toBe(false);
    expect(usage.groups.length, label).toBe(expected.size);
    for (const group of usage.groups) {
      const want = expected.get(keyOf(group, groupBy));
      expect(want, `${label}: unexpected group ${keyOf(group, groupBy)}`).toBeDefined();
      if (!want) continue;
      const exact = Object.fromEntries(Object.keys(want.exact).map((field) => [field, group[field]]));
      expect(exact, label).toEqual(want.exact);
      for (const [field, value] of Object.entries(want.percentiles)) {
        const got = group[field] as number | null;
        if (value === null) expect(got, `${label} ${field}`).toBeNull();
        else
          expect(Math.abs((got ?? NaN) - value), `${label} ${field}: ${got} vs ${value}`).toBeLessThanOrEqual(
            PERCENTILE_MAX_RELATIVE_ERROR * value + 1e-9,
          );
      }
    }
    return usage.groups;
  };

  /** Rollup-backed and raw-only answers of the service are identical, field by field. */
  const sameAsRawOnly = async (from: number, to: number, groupBy: Dimension[], interval: Interval) => {
    const filter = { from: new Date(from), to: new Date(to), organizationId };
    const withRollups = await t.server.services.usage.report(OPERATOR, filter, groupBy, interval);
    const rawOnly = await new UsageService(t.server.db.prisma, () => new Date(), { rollups: false }).report(
      OPERATOR,
      filter,
      groupBy,
      interval,
    );
    const normalize = (groups: UsageGroup[]) =>
      groups
        .map((g) => ({
          ...g,
          upstreamCostUsd: decimal(g.upstreamCostUsd),
          platformCostUsd: decimal(g.platformCostUsd ?? '0'),
          billedCostUsd: decimal(g.billedCostUsd),
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(normalize(withRollups.groups)).toEqual(normalize(rawOnly.groups));
  };

  const rolledUp = async () => {
    const [row] = await t.server.db.prisma.$queryRaw<{ hourly: bigint | null; daily: bigint | null; raw: bigint }[]>`
      SELECT (SELECT sum("requests") FROM "UsageRollupHourly" WHERE "organizationId" = ${organizationId})::bigint AS "hourly",
        (SELECT sum("requests") FROM "UsageRollupDaily" WHERE "organizationId" = ${organizationId})::bigint AS "daily",
        (SELECT count(*) FROM "UsageRecord" WHERE "organizationId" = ${organizationId})::bigint AS "raw"`;
    return { hourly: Number(row?.hourly ?? 0), daily: Number(row?.daily ?? 0), raw: Number(row?.raw ?? 0) };
  };

  /**
   * Runs the job until its horizon passes every record. One run can stop short of the newest
   * records, by design: a transaction open anywhere in the database (the server's own background
   * work, under load) keeps the snapshot's xmin, and so the horizon, below them until it ends.
   */
  const rollUpEverything = async (job: UsageRollupJob) => {
    for (;;) {
      const run = await job.runOnce({ wait: true });
      const [left] = await t.server.db.prisma.$queryRaw<{ behind: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM "UsageRecord" WHERE "ingestXid" >= ${run?.horizon ?? '0'}::xid8) AS "behind"`;
      if (!left?.behind) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const QUERIES: [Dimension[], Interval][] = [
    [[], 'DAY'],
    [['TIME'], 'HOUR'],
    [['TIME'], 'DAY'],
    [['TIME'], 'WEEK'],
    [['TIME'], 'MONTH'],
    [['TIME', 'PROVIDER'], 'DAY'],
    [['GATEWAY_KEY'], 'DAY'],
    [['PROJECT', 'KEY_SOURCE', 'PROVIDER_KEY'], 'DAY'],
    [['MODEL', 'STATUS', 'FAILURE_CLASS'], 'DAY'],
    [['ORGANIZATION', 'PROVIDER', 'MODEL', 'KEY_SOURCE'], 'DAY'],
    [['TIME', 'GATEWAY_KEY'], 'HOUR'],
    [['TAG'], 'DAY'],
    [['END_USER'], 'DAY'],
    [['ENDPOINT'], 'DAY'],
    [['TIME', 'TAG', 'END_USER'], 'HOUR'],
    [['TAG', 'ENDPOINT', 'MODEL'], 'WEEK'],
  ];
  // Aligned to days, aligned to hours only, ragged at both ends, inside one hour.
  const RANGES: [number, number][] = [
    [START, START + 4 * DAY],
    [START + 5 * HOUR, START + 3 * DAY + 7 * HOUR],
    [START + 2 * HOUR + 17 * 60_000 + 456, START + 3 * DAY + 19 * HOUR + 3 * 60_000 + 1],
    [START + DAY + 10 * HOUR + 60_000, START + DAY + 10 * HOUR + 59 * 60_000],
  ];
  const checkAll = async () => {
    for (const [from, to] of RANGES) for (const [groupBy, interval] of QUERIES) await check(from, to, groupBy, interval);
    await check(RANGES[2]![0], RANGES[2]![1], ['TIME', 'PROVIDER'], 'DAY', { keySource: 'hosted' });
    await check(RANGES[2]![0], RANGES[2]![1], ['GATEWAY_KEY'], 'HOUR', { provider: 'openai', status: 'FAILED' });
    await sameAsRawOnly(RANGES[2]![0], RANGES[2]![1], ['TIME', 'PROVIDER'], 'DAY');
    await sameAsRawOnly(RANGES[1]![0], RANGES[1]![1], ['GATEWAY_KEY', 'KEY_SOURCE'], 'HOUR');
    await check(RANGES[0]![0], RANGES[0]![1], ['TAG', 'END_USER'], 'DAY', { tag: 'team:a' });
    await check(RANGES[2]![0], RANGES[2]![1], ['TIME', 'TAG'], 'DAY', { endUser: 'alice', endpoint: 'anthropic-messages' });
    await sameAsRawOnly(RANGES[2]![0], RANGES[2]![1], ['TAG', 'END_USER', 'ENDPOINT'], 'DAY');
  };

  beforeAll(async () => {
    t = await startTestServer(backend);
    organizationId = (await seedOrganization(t, 'Rollup Org')).id;
    projectIds = [(await seedProject(t, organizationId, 'rollup-a')).id, (await seedProject(t, organizationId, 'rollup-b')).id];
  });
  afterAll(() => t?.close());

  it('answers from rollups exactly like the raw records: sums equal, percentiles within the bound', async () => {
    const job = new UsageRollupJob(t.server.db.prisma);
    await insert(generate(1500, START, START + 4 * DAY));
    // Nothing rolled up by this job yet (the server's own job may have run): answers are right either way.
    await checkAll();
    await rollUpEverything(job);
    expect(await rolledUp()).toEqual({ hourly: 1500, daily: 1500, raw: 1500 });
    await checkAll();
    // More records, some in hours already rolled up, answered from raw until the job takes them.
    await insert(generate(400, START, START + 4 * DAY));
    await checkAll();
    await rollUpEverything(job);
    expect(await rolledUp()).toEqual({ hourly: 1900, daily: 1900, raw: 1900 });
    await checkAll();
  }, 120_000); // four passes of 71 report queries, each checked against the raw records

  it('counts a late record (createdAt in an hour already rolled up) exactly once', async () => {
    const job = new UsageRollupJob(t.server.db.prisma);
    await job.runOnce({ wait: true });
    const hour = START + DAY + 5 * HOUR;
    const total = async () => (await check(START, START + 4 * DAY, [], 'DAY'))[0]?.requests ?? 0;
    const inHour = async () => (await check(hour, hour + HOUR, ['TIME'], 'HOUR'))[0]?.requests ?? 0;
    const [before, beforeHour] = [await total(), await inHour()];
    const late = generate(5, hour, hour + HOUR);
    await insert(late);
    expect([await total(), await inHour()]).toEqual([before + 5, beforeHour + 5]);
    await job.runOnce({ wait: true });
    expect([await total(), await inHour()]).toEqual([before + 5, beforeHour + 5]);
    await rollUpEverything(job);
    expect([await total(), await inHour()]).toEqual([before + 5, beforeHour + 5]);
    const counts = await rolledUp();
    expect(counts.hourly).toBe(counts.raw);
    expect(counts.daily).toBe(counts.raw);
  });

  if (backend === 'postgres')
    it('leaves records of a transaction younger than one still open to raw, and rolls them up once it ends', async () => {
      const job = new UsageRollupJob(t.server.db.prisma);
      await rollUpEverything(job);
      let end = () => {};
      const ended = new Promise<void>((resolve) => {
        end = resolve;
      });
      let opened = () => {};
      const open = new Promise<void>((resolve) => {
        opened = resolve;
      });
      const older = t.server.db.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_current_xact_id()::text AS "xid"`;
        opened();
        await ended;
      });
      await open;
      const before = await rolledUp();
      await insert(generate(7, START, START + 4 * DAY));
      await job.runOnce({ wait: true });
      expect(await rolledUp()).toEqual({ hourly: before.hourly, daily: before.daily, raw: before.raw + 7 });
      await check(START, START + 4 * DAY, ['TIME'], 'HOUR'); // answered from raw meanwhile
      end();
      await older;
      await rollUpEverything(job);
      expect(await rolledUp()).toEqual({ hourly: before.raw + 7, daily: before.raw + 7, raw: before.raw + 7 });
      await checkAll();
    });

  it('never double counts when several jobs run at once while records arrive', async () => {
    const jobs = Array.from({ length: 4 }, () => new UsageRollupJob(t.server.db.prisma));
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 12; i++) await insert(generate(50, START, START + 4 * DAY));
      writing = false;
    })();
    const runners = jobs.map(async (job, index) => {
      let runs = 0;
      while (writing || runs < 2) {
        await job.runOnce({ wait: index % 2 === 0 });
        runs += 1;
      }
    });
    await Promise.all([writer, ...runners]);
    await rollUpEverything(jobs[0]!);
    expect(await rolledUp()).toEqual({ hourly: records.length, daily: records.length, raw: records.length });
    await checkAll();
  });
});
