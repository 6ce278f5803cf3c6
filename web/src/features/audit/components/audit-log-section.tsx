import { type Column, DataTable } from '../../../components/data-table.js';
import { formatDateTime } from '../../../components/format.js';
import { QueryState } from '../../../components/states.js';
import { type AuditEntry, describeDetails, describeTarget } from '../model/audit-entry.js';

export function AuditLogSection(props: {
  title: string;
  entries: AuditEntry[];
  /** platform-wide log: show which organization an entry belongs to */
  organizationNames?: Record<string, string>;
  loading: boolean;
  error: unknown;
  page: number;
  hasOlder: boolean;
  onOlder(): void;
  onNewer(): void;
}) {
  const columns: Column<AuditEntry>[] = [
    { key: 'time', header: 'Time (UTC)', cell: (e) => formatDateTime(e.createdAt).replace(' UTC', '') },
    { key: 'actor', header: 'Who', cell: (e) => e.actorLabel },
    { key: 'action', header: 'Action', cell: (e) => <code>{e.action}</code> },
    ...(props.organizationNames
      ? [{ key: 'org', header: 'Organization', cell: (e: AuditEntry) => (e.organizationId ? (props.organizationNames?.[e.organizationId] ?? e.organizationId) : 'platform') }]
      : []),
    { key: 'target', header: 'Target', cell: (e) => <span title={e.targetId ?? undefined}>{describeTarget(e)}</span> },
    { key: 'details', header: 'Details', cell: (e) => describeDetails(e.details) },
  ];
  return (
    <section className="card audit-log" aria-label={props.title}>
      <header className="card-header">
        <h3>{props.title}</h3>
        <span className="muted">every change to keys, modes, flags, members and credits; never a secret</span>
      </header>
      <QueryState loading={props.loading} error={props.error} empty={props.entries.length === 0} emptyText="No audit entries.">
        <DataTable label={props.title} columns={columns} rows={props.entries} rowKey={(e) => e.id} testId="table-audit" />
      </QueryState>
      <div className="pager">
        <span className="muted">page {props.page + 1}</span>
        <button type="button" className="button" disabled={props.page === 0} onClick={props.onNewer}>
          ← Newer
        </button>
        <button type="button" className="button" disabled={!props.hasOlder} onClick={props.onOlder}>
          Older →
        </button>
      </div>
    </section>
  );
}
