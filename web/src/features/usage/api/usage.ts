import { useQuery } from '@apollo/client/react';
import { type UsageDimension, UsageDocument, type UsageFilterInput, type UsageInterval } from '../../../graphql/generated.js';

/** One usage report; every analytics page is made of a few of these. */
export function useUsage(filter: UsageFilterInput, groupBy: UsageDimension[], interval: UsageInterval = 'DAY') {
  return useQuery(UsageDocument, { variables: { filter, groupBy, interval } });
}
