import { registerEnumType } from 'type-graphql';
import { FailureClass, KeySource, RequestStatus } from '../../db/generated/enums.js';
import {
  type UsageDimension as Dimension,
  type UsageInterval as Interval,
  USAGE_DIMENSIONS,
  USAGE_INTERVALS,
} from '../../domain/usage/usage-dimensions.js';

/** type-graphql enums are objects; these mirror the domain's lists value for value. */
export const UsageDimension = Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, d])) as { [K in Dimension]: K };
export const UsageInterval = Object.fromEntries(USAGE_INTERVALS.map((i) => [i, i])) as { [K in Interval]: K };

registerEnumType(UsageDimension, {
  name: 'UsageDimension',
  description: 'What a usage report can group by (PROVIDER_KEY: the key reference)',
});
registerEnumType(UsageInterval, { name: 'UsageInterval', description: 'Width of TIME buckets, in UTC' });
registerEnumType(KeySource, { name: 'KeySource', description: 'Where the provider key for a call came from' });
registerEnumType(RequestStatus, { name: 'RequestStatus' });
registerEnumType(FailureClass, { name: 'FailureClass', description: 'Why a call failed (failure classes: docs/api.md)' });

export { FailureClass, KeySource, RequestStatus };
