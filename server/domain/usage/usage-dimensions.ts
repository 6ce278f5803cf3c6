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

/**
 * The whitelist: each dimension's SQL expression over "UsageRecord" and the column alias it is
 * returned under. Only these fragments ever reach the query text.
 */
export function dimensionSql(dimension: UsageDimension, interval: UsageInterval): { expression: Prisma.Sql; alias: string } {
  switch (dimension) {
    case 'TIME':
      // Buckets in UTC whatever the session time zone: truncate the UTC wall time, then mark it UTC again.
      return { expression: Prisma.raw(`date_trunc('${TRUNC_UNIT[interval]}', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`), alias: 'bucket' };
    case 'ORGANIZATION':
      return { expression: Prisma.raw('"organizationId"'), alias: 'organizationId' };
    case 'PROJECT':
      return { expression: Prisma.raw('"projectId"'), alias: 'projectId' };
    case 'GATEWAY_KEY':
      return { expression: Prisma.raw('"gatewayKeyId"'), alias: 'gatewayKeyId' };
    case 'PROVIDER_KEY':
      return { expression: Prisma.raw('"keyRef"'), alias: 'keyRef' };
    case 'PROVIDER':
      return { expression: Prisma.raw('"provider"'), alias: 'provider' };
    case 'MODEL':
      return { expression: Prisma.raw('"model"'), alias: 'model' };
    case 'KEY_SOURCE':
      return { expression: Prisma.raw('"keySource"::text'), alias: 'keySource' };
    case 'STATUS':
      return { expression: Prisma.raw('"status"::text'), alias: 'status' };
    case 'FAILURE_CLASS':
      return { expression: Prisma.raw('"failureClass"::text'), alias: 'failureClass' };
  }
}
