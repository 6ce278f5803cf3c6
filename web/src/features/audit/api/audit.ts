import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { AuditLogDocument } from '../../../graphql/generated.js';
import type { AuditFilter } from '../model/audit-entry.js';

export const AUDIT_PAGE_SIZE = 25;

/**
 * One page of the audit log, newest first, with cursor pagination: `older` follows endCursor,
 * `newer` goes back one page. Without organizationId: the platform-wide log (operators).
 */
export function useAuditLog(organizationId: string | null) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [filter, setFilterState] = useState<AuditFilter>({ actorId: null, action: null });
  const after = cursors.at(-1) ?? null;
  const query = useQuery(AuditLogDocument, {
    variables: {
      first: AUDIT_PAGE_SIZE,
      ...(organizationId ? { organizationId } : {}),
      ...(after ? { after } : {}),
      ...(filter.actorId ? { actorId: filter.actorId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
    },
    fetchPolicy: 'cache-and-network',
  });
  const pageInfo = query.data?.auditLog.pageInfo;
  return {
    ...query,
    entries: query.data?.auditLog.nodes ?? [],
    page: cursors.length - 1,
    hasOlder: Boolean(pageInfo?.hasNextPage),
    older: () => {
      if (pageInfo?.endCursor) setCursors((list) => [...list, pageInfo.endCursor]);
    },
    newer: () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    filter,
    /** A new filter starts again from the newest entry. */
    setFilter: (next: AuditFilter) => {
      setFilterState(next);
      setCursors([null]);
    },
  };
}
