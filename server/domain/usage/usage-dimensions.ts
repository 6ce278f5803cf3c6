import { Prisma } from '../../db/generated/client.js';
import { PLATFORM_KEY_REF, PLATFORM_KEY_SOURCES_SQL } from './platform-key-view.js';

export const USAGE_DIMENSIONS = [
  'TIME',
  'ORGANIZATION',
  'PROJECT',
  'GATEWAY_KEY',
  'PROVIDER_KEY',
  'PROVIDER',
  'MODEL',
  'KEY_SOURCE',
  'STATUS',
  'FAILURE_CLASS',
  'ENDPOINT',
  'END_USER',
  'TAG',
] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export const USAGE_INTERVALS = ['HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
export type UsageInterval = (typeof USAGE_INTERVALS)[number];

export const MAX_GROUP_BY = 4;

/** date_trunc units: constants of this file, never text from a request. */
const TRUNC_UNIT: Record<UsageInterval, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' };

/** Where a dimension is read: raw "UsageRecord" rows, or a rollup table ("UsageRollupHourly"/"Daily"). */
export type UsageSource = 'raw' | 'rollup';

/** Column of each dimension, and its alias in reports. */
const COLUMN: Record<Exclude<UsageDimension, 'TIME' | 'TAG'>, { column: string; nullable: boolean; enumType: boolean }> = {
  ORGANIZATION: { column: 'organizationId', nullable: false, enumType: false },
  PROJECT: { column: 'projectId', nullable: false, enumType: false },
  GATEWAY_KEY: { column: 'gatewayKeyId', nullable: false, enumType: false },
  PROVIDER_KEY: { column: 'keyRef', nullable: true, enumType: false },
  PROVIDER: { column: 'provider', nullable: true, enumType: false },
  MODEL: { column: 'model', nullable: false, enumType: false },
  KEY_SOURCE: { column: 'keySource', nullable: true, enumType: true },
  STATUS: { column: 'status', nullable: false, enumType: true },
  FAILURE_CLASS: { column: 'failureClass', nullable: true, enumType: true },
  ENDPOINT: { column: 'endpoint', nullable: false, enumType: false },
  END_USER: { column: 'endUser', nullable: true, enumType: false },
};

/**
 * TAG: a record counts once in each of its tags (so a TAG report's groups can add up to more
 * than the total), and an untagged record in the null group. The tags are unnested by a lateral
 * join (sources without TAG skip it); raw records keep a text[], rollups the set as
 * comma-separated text.
 */
export function tagJoinSql(source: UsageSource): Prisma.Sql {
  const tags = source === 'raw' ? `"tags"` : `string_to_array(NULLIF("tags", ''), ',')`;
  return Prisma.raw(`CROSS JOIN LATERAL unnest(coalesce(NULLIF(${tags}, '{}'), ARRAY[NULL]::text[])) AS "tagged"("tag")`);
}

/**
 * A request names its model as `gpt-4o` (routed) or `openai/gpt-4o` (pinned to a provider), and the
 * record keeps it as sent; both are the same model. MODEL groups (and the model filter) read it
 * without the prefix when the prefix is the provider that served the call, so one model is one row.
 * Rollups keep a null provider as ''.
 */
export function canonicalModelSql(source: UsageSource): string {
  const provider = source === 'rollup' ? `NULLIF("provider", '')` : '"provider"';
  return `CASE WHEN ${provider} IS NOT NULL AND left("model", length(${provider}) + 1) = ${provider} || '/' THEN substr("model", length(${provider}) + 2) ELSE "model" END`;
}

/**
 * The whitelist: each dimension's SQL expression over "UsageRecord" (raw) or a rollup table, and
 * the column alias it is returned under. Only these fragments ever reach the query text. Rollups
 * keep every dimension as text with '' for null (one unique key), so they read it back with NULLIF.
 */
export function dimensionSql(
  dimension: UsageDimension,
  interval: UsageInterval,
  source: UsageSource = 'raw',
  namesPlatformKeys = true,
): { expression: Prisma.Sql; alias: string } {
  if (dimension === 'TIME') {
    // Buckets in UTC whatever the session time zone: truncate the UTC wall time, then mark it UTC again.
    const time = source === 'raw' ? '"createdAt"' : '"bucket"';
    return {
      expression: Prisma.raw(`date_trunc('${TRUNC_UNIT[interval]}', ${time} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`),
      alias: 'bucket',
    };
  }
  if (dimension === 'TAG') return { expression: Prisma.raw('"tag"'), alias: 'tag' };
  if (dimension === 'MODEL') return { expression: Prisma.raw(canonicalModelSql(source)), alias: 'model' };
  const { column, nullable, enumType } = COLUMN[dimension];
  const quoted = `"${column}"`;
  if (dimension === 'PROVIDER_KEY' && !namesPlatformKeys) {
    // Tenants: every platform key is one group, under the neutral reference (platform-key-view.ts).
    const keyRef = source === 'rollup' ? `NULLIF(${quoted}, '')` : quoted;
    return {
      expression: Prisma.raw(`CASE WHEN "keySource"::text IN (${PLATFORM_KEY_SOURCES_SQL}) THEN '${PLATFORM_KEY_REF}' ELSE ${keyRef} END`),
      alias: column,
    };
  }
  if (source === 'rollup') return { expression: Prisma.raw(nullable ? `NULLIF(${quoted}, '')` : quoted), alias: column };
  return { expression: Prisma.raw(enumType ? `${quoted}::text` : quoted), alias: column };
}
