import { useQuery } from '@apollo/client/react';
import { RequestLogDetailDocument, RequestLogsDocument, type UsageFilterInput } from '../../../graphql/generated.js';

export const REQUEST_PAGE_SIZE = 50;

export function useRequestLogs(filter: UsageFilterInput, after: string | null) {
  return useQuery(RequestLogsDocument, { variables: { filter, first: REQUEST_PAGE_SIZE, ...(after ? { after } : {}) } });
}

export function useRequestLog(requestId: string) {
  return useQuery(RequestLogDetailDocument, { variables: { requestId } });
}
