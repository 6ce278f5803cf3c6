import { DateRangePicker } from '../components/date-range-picker.js';
import { useOrganizations } from '../features/organizations/api/organizations.js';
import { useAnalyticsScope } from './use-analytics-scope.js';

/** Range and organization pickers shared by the analytics pages. */
export function AnalyticsFilters() {
  const scope = useAnalyticsScope();
  const organizations = useOrganizations();
  const list = organizations.data?.organizations ?? [];
  return (
    <div className="filters">
      <DateRangePicker value={scope.choice} onChange={scope.setRange} />
      <select aria-label="Organization" value={scope.organizationId ?? ''} onChange={(e) => scope.setOrganization(e.target.value || null)}>
        <option value="">All organizations</option>
        {list.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <span className="muted range-label">
        {scope.range.label} · by {scope.range.interval.toLowerCase()} (UTC)
      </span>
    </div>
  );
}
