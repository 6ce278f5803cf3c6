import { type Column, DataTable } from '../../../components/data-table.js';
import { formatCount, formatDateTime, formatUsd } from '../../../components/format.js';
import type { StatementQuery } from '../../../graphql/generated.js';
import { ledgerRows } from '../model/statement.js';
import './statement.css';

type Statement = StatementQuery['statement'];
type Line = Statement['total'];

function usageColumns(first: string, showsPlatformCost: boolean): Column<Line>[] {
  return [
    { key: 'label', header: first, cell: (l) => l.label },
    { key: 'requests', header: 'Requests', align: 'right', cell: (l) => formatCount(l.requests) },
    { key: 'input', header: 'Input tokens', align: 'right', cell: (l) => formatCount(l.inputTokens) },
    { key: 'output', header: 'Output tokens', align: 'right', cell: (l) => formatCount(l.outputTokens) },
    { key: 'own', header: 'Upstream cost (own keys)', align: 'right', cell: (l) => formatUsd(l.ownKeyCostUsd) },
    ...(showsPlatformCost
      ? [
          {
            key: 'platform',
            header: 'Platform cost',
            align: 'right',
            cell: (l: Line) => formatUsd(l.platformCostUsd),
          } satisfies Column<Line>,
        ]
      : []),
    { key: 'billed', header: 'Billed', align: 'right', cell: (l) => formatUsd(l.billedCostUsd) },
  ];
}

function UsageTable(props: {
  title: string;
  first: string;
  lines: readonly Line[];
  total: Line;
  showsPlatformCost: boolean;
  note?: string;
}) {
  return (
    <section className="card" aria-label={props.title}>
      <h3>{props.title}</h3>
      {props.note ? <p className="muted">{props.note}</p> : null}
      {props.lines.length === 0 ? (
        <p className="muted">No usage this month.</p>
      ) : (
        <DataTable
          label={props.title}
          testId={`statement-${props.first.toLowerCase()}`}
          columns={usageColumns(props.first, props.showsPlatformCost)}
          rows={props.lines}
          rowKey={(l) => `${l.key ?? ''}|${l.label}`}
          footer={props.total}
        />
      )}
    </section>
  );
}

/** The printable statement: ledger summary, credit entries, usage by project, model and tag. */
export function StatementView({ statement }: { statement: Statement }) {
  const ledger = ledgerRows(statement);
  return (
    <div className="statement" data-testid="statement">
      <div className="statement-head">
        <h2>
          {statement.organizationName} · {statement.month}
        </h2>
        <span className="muted">
          {statement.complete ? 'Complete month (UTC)' : `To date, ${formatDateTime(statement.generatedAt)}`} · amounts in USD, rounded for
          display; the CSV holds them exactly
        </span>
      </div>
      <section className="card" aria-label="Credit balance">
        <h3>Credit balance</h3>
        <div className="table-wrap">
          <table className="data-table statement-ledger" data-testid="statement-ledger">
            <tbody>
              {ledger.map((row) => (
                <tr key={row.label} className={row.total ? 'statement-total' : undefined}>
                  <td>{row.label}</td>
                  <td className="num" data-testid={`ledger-${row.label.split(' ')[0]?.toLowerCase()}`}>
                    {formatUsd(row.amountUsd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {statement.billedOutsideCreditsUsd !== '0' ? (
          <p className="muted">Billed outside credits this month: {formatUsd(statement.billedOutsideCreditsUsd)}</p>
        ) : null}
      </section>
      <section className="card" aria-label="Credit entries">
        <h3>Credits added and adjusted</h3>
        {statement.creditEntries.length === 0 ? (
          <p className="muted">No credits added or adjusted this month.</p>
        ) : (
          <DataTable
            label="Credit entries"
            testId="statement-credit-entries"
            columns={[
              { key: 'date', header: 'Date', cell: (e) => formatDateTime(e.createdAt) },
              { key: 'kind', header: 'Kind', cell: (e) => (e.kind === 'GRANT' ? 'Credits added' : 'Adjustment') },
              { key: 'note', header: 'Note', cell: (e) => e.note || '—' },
              { key: 'amount', header: 'Amount', align: 'right', cell: (e) => formatUsd(e.amountUsd) },
            ]}
            rows={statement.creditEntries}
            rowKey={(e) => e.id}
          />
        )}
      </section>
      {[
        { title: 'Usage by project', first: 'Project', lines: statement.byProject },
        { title: 'Usage by model', first: 'Model', lines: statement.byModel },
        {
          title: 'Usage by tag',
          first: 'Tag',
          lines: statement.byTag,
          note: 'A request counts once in each of its tags, so tag lines can add up to more than the total.',
        },
      ].map((table) => (
        <UsageTable key={table.title} {...table} total={statement.total} showsPlatformCost={statement.showsPlatformCost} />
      ))}
    </div>
  );
}
