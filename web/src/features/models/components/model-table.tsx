import { type Column, DataTable } from '../../../components/data-table.js';
import { DeleteButton } from '../../../components/delete-button.js';
import { describeOverride, type ModelRow, type PriceOverrideView } from '../model/model-rows.js';

/** Rows drawn at once: the full list runs to hundreds; the search narrows it. */
const SHOWN = 200;

/** The catalog with a search box; operators may delete an override from its row. */
export function ModelTable(props: {
  rows: readonly ModelRow[];
  total: number;
  search: string;
  onSearch(search: string): void;
  canManage: boolean;
  organizationName(id: string): string;
  onDeleteOverride(override: PriceOverrideView): void;
}) {
  const columns: Column<ModelRow>[] = [
    { key: 'model', header: 'Model', cell: (r) => <code className="wrap-anywhere">{r.ref}</code> },
    { key: 'input', header: 'Input / 1M', cell: (r) => r.input, align: 'right' },
    { key: 'cached', header: 'Cached / 1M', cell: (r) => r.cachedInput, align: 'right' },
    { key: 'write', header: 'Cache write / 1M', cell: (r) => r.cacheWrite, align: 'right' },
    { key: 'output', header: 'Output / 1M', cell: (r) => r.output, align: 'right' },
    {
      key: 'source',
      header: 'Source',
      cell: (r) => (
        <span className="wrap" data-testid={`model-source-${r.ref}`} title={r.tiers ?? undefined}>
          {r.source}
          {r.tiers ? <span className="muted"> · tiers</span> : null}
        </span>
      ),
    },
    { key: 'date', header: 'Date', cell: (r) => r.readOn },
    {
      key: 'overrides',
      header: 'Overrides',
      cell: (r) =>
        r.overrides.map((o) => (
          <div key={o.id} className="muted wrap">
            {describeOverride(o, props.organizationName)}
            {props.canManage ? (
              <DeleteButton
                label={`Delete price override for ${r.ref} (${o.organizationId ? props.organizationName(o.organizationId) : 'everyone'})`}
                onDelete={() => props.onDeleteOverride(o)}
              />
            ) : null}
          </div>
        )),
    },
  ];
  return (
    <section className="card" aria-label="Models">
      <header className="card-header">
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search: provider, model, source"
          value={props.search}
          onChange={(e) => props.onSearch(e.target.value)}
        />
        <span className="muted" data-testid="model-count">
          {props.rows.length} of {props.total} models{props.rows.length > SHOWN ? `, first ${SHOWN} shown` : ''}
        </span>
      </header>
      <DataTable
        columns={columns}
        rows={props.rows.slice(0, SHOWN)}
        rowKey={(r) => r.key}
        label="Models and prices"
        testId="models-table"
      />
    </section>
  );
}
