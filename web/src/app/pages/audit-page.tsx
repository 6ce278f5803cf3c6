import { useMemo } from 'react';
import { useAuditLog } from '../../features/audit/api/audit.js';
import { AuditLogSection } from '../../features/audit/components/audit-log-section.js';
import { useOrganizations } from '../../features/organizations/api/organizations.js';

/** The platform-wide audit log (operators): platform changes and every organization's. */
export function AuditPage() {
  const audit = useAuditLog(null);
  const organizations = useOrganizations();
  const names = useMemo(
    () => Object.fromEntries((organizations.data?.organizations ?? []).map((o) => [o.id, o.name])),
    [organizations.data],
  );
  return (
    <div className="page">
      <h1>Audit log</h1>
      <p className="muted">Who changed what, newest first. An organization’s own log is on its page.</p>
      <AuditLogSection
        title="Platform audit log"
        entries={audit.entries}
        organizationNames={names}
        loading={audit.loading}
        error={audit.error}
        page={audit.page}
        hasOlder={audit.hasOlder}
        onOlder={audit.older}
        onNewer={audit.newer}
        filter={audit.filter}
        onFilter={audit.setFilter}
      />
    </div>
  );
}
