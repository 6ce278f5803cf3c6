/**
 * The `usage` GraphQL query over the seeded records (see db-tasks.ts: 1,000,000 rows over the
 * last 29 days), end to end through keyplane's HTTP API as the operator: one warm-up, then the
 * median of several timed runs per grouping.
 */
import { graphql } from './servers.js';

export const USAGE_QUERIES = {
  'day × provider': `query { usage(groupBy: [TIME, PROVIDER], interval: DAY) {
      truncated groups { bucket provider requests inputTokens outputTokens billedCostUsd failures latencyP50Ms latencyP99Ms ttftP50Ms } } }`,
  'gateway key': `query { usage(groupBy: [GATEWAY_KEY]) {
      truncated groups { gatewayKeyId gatewayKeyName requests billedCostUsd failures latencyP50Ms latencyP95Ms } } }`,
} as const;

export interface UsageQueryResult {
  name: string;
  medianMs: number;
  minMs: number;
  groups: number;
  requests: number;
}

export async function timeUsageQueries(url: string, token: string, runs: number): Promise<UsageQueryResult[]> {
  const results: UsageQueryResult[] = [];
  for (const [name, query] of Object.entries(USAGE_QUERIES)) {
    let groups = 0;
    let requests = 0;
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const started = process.hrtime.bigint();
      const data = await graphql<{ usage: { groups: { requests: number }[] } }>(url, token, query);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      groups = data.usage.groups.length;
      requests = data.usage.groups.reduce((total, group) => total + group.requests, 0);
      if (i > 0) times.push(ms); // the first run warms caches and the JIT
    }
    times.sort((a, b) => a - b);
    results.push({ name, medianMs: times[Math.floor(times.length / 2)] ?? NaN, minMs: times[0] ?? NaN, groups, requests });
  }
  return results;
}
