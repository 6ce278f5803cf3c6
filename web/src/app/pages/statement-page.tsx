import { useSearchParams } from 'react-router';
import { utcMonthOf } from '../../../../shared/utc-month.js';
import { QueryState } from '../../components/states.js';
import { useOrganizations } from '../../features/organizations/api/organizations.js';
import { useStatement } from '../../features/statements/api/statements.js';
import { StatementView } from '../../features/statements/components/statement-view.js';
import { chosenMonth } from '../../features/statements/model/statement.js';

/** Monthly statement: pick an organization and a month; print it or download its CSV. */
export function StatementPage() {
  const [params, setParams] = useSearchParams();
  const organizations = useOrganizations();
  const list = organizations.data?.organizations ?? [];
  const latest = utcMonthOf(new Date());
  const month = chosenMonth(params.get('month'), latest);
  const organizationId = params.get('org') || list[0]?.id || null;
  const statement = useStatement(organizationId, month);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next);
  };
  const data = statement.data?.statement;
  return (
    <div className="page">
      <h1>Statement</h1>
      <div className="filters">
        <select aria-label="Organization" value={organizationId ?? ''} onChange={(e) => set('org', e.target.value)}>
          {list.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        <input
          type="month"
          aria-label="Month"
          value={month}
          max={latest}
          onChange={(e) => e.target.value && set('month', e.target.value)}
        />
        <span className="muted">UTC calendar month</span>
        {data ? (
          <span className="statement-actions">
            <a className="button" href={data.csvPath} download data-testid="statement-csv">
              Download CSV
            </a>
            <button type="button" className="button" onClick={() => window.print()}>
              Print
            </button>
          </span>
        ) : null}
      </div>
      <QueryState
        loading={statement.loading || organizations.loading}
        error={statement.error ?? organizations.error}
        empty={!data}
        emptyText={organizationId ? 'No statement for this month.' : 'No organization to show a statement for.'}
      >
        {data ? <StatementView statement={data} /> : null}
      </QueryState>
    </div>
  );
}
