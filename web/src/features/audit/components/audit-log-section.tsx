import { useState } from 'react';
import { type Column, DataTable } from '../../../components/data-table.js';
import { formatDateTime } from '../../../components/format.js';
import { QueryState } from '../../../components/states.js';
import { type AuditEntry, type AuditFilter, actionOptions, actorOptions, auditChanges, describeTarget } from '../model/audit-entry.js';

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
  filter: AuditFilter;
  onFilter(next: AuditFilter): void;
}) {
  const [actor, setActor] = useState<{ id: string; label: string } | null>(null);
  const [action, setAction] = useState(props.filter.action ?? '');
  const actors = actorOptions(props.entries, actor);
  const actions = actionOptions(props.entries);
  const listId = `audit-actions-${props.title.replace(/\W+/g, '-').toLowerCase()}`;
  const columns: Column<AuditEntry>[] = [
    { key: 'time', header: 'Time (UTC)', cell: (e) => formatDateTime(e.createdAt).replace(' UTC', '') },
    { key: 'actor', header: 'Who', cell: (e) => e.actorLabel },
    { key: 'action', header: 'Action', cell: (e) => <code>{e.action}</code> },
    ...(props.organizationNames
      ? [
          {
            key: 'org',
            header: 'Organization',
            cell: (e: AuditEntry) => (e.organizationId ? (props.organizationNames?.[e.organizationId] ?? e.organizationId) : 'platform'),
          },
        ]
      : []),
    { key: 'target', header: 'Target', cell: (e) => <span title={e.targetId ?? undefined}>{describeTarget(e)}</span> },
    {
      key: 'details',
      header: 'Changes',
      cell: (e) => (
        <ul className="changes">
          {auditChanges(e.details).map((c) => (
            <li key={c.label}>
              <span className="muted">{c.label}:</span> {c.text}
            </li>
          ))}
        </ul>
      ),
    },
  ];
  return (
    <section className="card audit-log" aria-label={props.title}>
      <header className="card-header">
        <h3>{props.title}</h3>
        <span className="muted">every change to keys, modes, flags, members and credits; never a secret</span>
      </header>
      <form
        className="filters audit-filters"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          props.onFilter({ ...props.filter, action: action.trim() || null });
        }}
      >
        <select
          aria-label="Who"
          value={props.filter.actorId ?? ''}
          onChange={(e) => {
            const chosen = actors.find((a) => a.id === e.target.value) ?? null;
            setActor(chosen);
            props.onFilter({ ...props.filter, actorId: chosen?.id ?? null });
          }}
        >
          <option value="">Anyone</option>
          {actors.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
        <input
          aria-label="Action"
          placeholder="Action, e.g. provider-key. or member.add"
          list={listId}
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <datalist id={listId}>
          {actions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit" className="button">
          Filter
        </button>
        {props.filter.actorId || props.filter.action ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setActor(null);
              setAction('');
              props.onFilter({ actorId: null, action: null });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      <QueryState
        loading={props.loading}
        error={props.error}
        empty={props.entries.length === 0}
        emptyText={props.filter.actorId || props.filter.action ? 'No audit entries match this filter.' : 'No audit entries.'}
      >
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
