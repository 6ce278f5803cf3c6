import { Prisma } from '../../db/generated/client.js';

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
const COLUMN: Record<Exclude<UsageDimension, 'TIME'>, { column: string; nullable: boolean; enumType: boolean }> = {
  ORGANIZATION: { column: 'organizationId', nullable: false, enumType: false },
  PROJECT: { column: 'projectId', nullable: false, enumType: false },
  GATEWAY_KEY: { column: 'gatewayKeyId', nullable: false, enumType: false },
  PROVIDER_KEY: { column: 'keyRef', nullable: true, enumType: false },
  PROVIDER: { column: 'provider', nullable: true, enumType: false },
  MODEL: { column: 'model', nullable: false, enumType: false },
  KEY_SOURCE: { column: 'keySource', nullable: true, enumType: true },
  STATUS: { column: 'status', nullable: false, enumType: true },
  FAILURE_CLASS: { column: 'failureClass', nullable: true, enumType: true },
};

/**
 * The whitelist: each dimension's SQL expression over "UsageRecord" (raw) or a rollup table, and
 * the column alias it is returned under. Only these fragments ever reach the query text. Rollups
 * keep every dimension as text with '' for null (one unique key), so they read it back with NULLIF.
 */
export function dimensionSql(dimension: UsageDimension, interval: UsageInterval, source: UsageSource = 'raw'): { expression: Prisma.Sql; alias: string } {
  if (dimension === 'TIME') {
    // Buckets in UTC whatever the session time zone: truncate the UTC wall time, then mark it UTC again.
    const time = source === 'raw' ? '"createdAt"' : '"bucket"';
    return { expression: Prisma.raw(`date_trunc('${TRUNC_UNIT[interval]}', ${time} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`), alias: 'bucket' };
  }
  const { column, nullable, enumType } = COLUMN[dimension];
  const quoted = `"${column}"`;
  if (source === 'rollup') return { expression: Prisma.raw(nullable ? `NULLIF(${quoted}, '')` : quoted), alias: column };
  return { expression: Prisma.raw(enumType ? `${quoted}::text` : quoted), alias: column };
}
