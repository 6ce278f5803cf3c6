import { useState } from 'react';
import { DateRangePicker } from '../../components/date-range-picker.js';
import { QueryState } from '../../components/states.js';
import { useOrganizations } from '../../features/organizations/api/organizations.js';
import { useRequestLogs } from '../../features/request-logs/api/request-logs.js';
import { RequestFilters } from '../../features/request-logs/components/request-filters.js';
import { Pager, RequestTable } from '../../features/request-logs/components/request-table.js';
import { filterFromParams, filterToParams, toUsageFilter } from '../../features/request-logs/model/request-filter.js';
import { useAnalyticsScope } from '../use-analytics-scope.js';

export function RequestsPage() {
  const scope = useAnalyticsScope();
  const values = filterFromParams(scope.params);
  const filterKey = scope.params.toString();
  // Cursor stack: cursors[i] is the `after` of page i; reset whenever the filter changes.
  const [pages, setPages] = useState<{ key: string; cursors: (string | null)[] }>({ key: filterKey, cursors: [null] });
  const cursors = pages.key === filterKey ? pages.cursors : [null];
  const after = cursors.at(-1) ?? null;
  const logs = useRequestLogs(toUsageFilter(values, scope.range), after);
  const organizations = useOrganizations();
  const nodes = logs.data?.requestLogs.nodes ?? [];
  const pageInfo = logs.data?.requestLogs.pageInfo;
  return (
    <div className="page">
      <h1>Request log</h1>
      <div className="filters">
        <DateRangePicker value={scope.choice} onChange={scope.setRange} />
        <span className="muted range-label">{scope.range.label}</span>
      </div>
      <RequestFilters
        key={filterKey}
        value={values}
        options={{ organizations: organizations.data?.organizations ?? [] }}
        onChange={(next) => scope.setParams(filterToParams(next, scope.params))}
      />
      <section className="card">
        <QueryState
          loading={logs.loading}
          error={logs.error}
          empty={nodes.length === 0}
          emptyText="No requests match these filters."
          retry={() => void logs.refetch()}
        >
          <RequestTable rows={nodes} />
        </QueryState>
        <Pager
          page={cursors.length - 1}
          hasNext={Boolean(pageInfo?.hasNextPage)}
          onPrevious={() => setPages({ key: filterKey, cursors: cursors.slice(0, -1) })}
          onNext={() => pageInfo?.endCursor && setPages({ key: filterKey, cursors: [...cursors, pageInfo.endCursor] })}
        />
      </section>
    </div>
  );
}
