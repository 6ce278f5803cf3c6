import { Link } from 'react-router';
import { type Column, DataTable } from '../../../components/data-table.js';
import { failureClassLabel } from '../../../components/failure-class.js';
import { formatCount, formatDateTime, formatMs, formatUsd } from '../../../components/format.js';
import type { RequestLogsQuery } from '../../../graphql/generated.js';

export type RequestRow = RequestLogsQuery['requestLogs']['nodes'][number];

const columns: Column<RequestRow>[] = [
  {
    key: 'time',
    header: 'Time (UTC)',
    cell: (r) => <Link to={`/requests/${encodeURIComponent(r.requestId)}`}>{formatDateTime(r.createdAt).replace(' UTC', '')}</Link>,
  },
  {
    key: 'status',
    header: 'Status',
    cell: (r) => (
      <span className={`badge status-${r.status.toLowerCase()}`}>
        {r.status === 'FAILED' ? failureClassLabel(r.failureClass ?? 'FAILED') : r.status.toLowerCase()}
      </span>
    ),
  },
  // Model names run long (meta-llama/llama-4-maverick-17b-128e-instruct): wrap them, the table must fit its card.
  { key: 'model', header: 'Model', cell: (r) => <span className="wrap-long">{r.model}</span> },
  { key: 'endpoint', header: 'Front door', cell: (r) => r.endpoint },
  { key: 'provider', header: 'Provider', cell: (r) => r.provider ?? '—' },
  { key: 'source', header: 'Key source', cell: (r) => r.keySource ?? '—' },
  {
    key: 'tokens',
    header: 'Tokens in / out',
    align: 'right',
    cell: (r) => `${formatCount(r.inputTokens)} / ${formatCount(r.outputTokens)}`,
  },
  { key: 'cost', header: 'Billed', align: 'right', cell: (r) => formatUsd(r.billedCostUsd) },
  { key: 'latency', header: 'Latency', align: 'right', cell: (r) => formatMs(r.latencyMs) },
  { key: 'http', header: 'HTTP', align: 'right', cell: (r) => r.httpStatus },
];

export function RequestTable({ rows }: { rows: RequestRow[] }) {
  return <DataTable label="Requests" columns={columns} rows={rows} rowKey={(r) => r.id} testId="table-requests" />;
}

export function Pager(props: { page: number; hasNext: boolean; onPrevious(): void; onNext(): void }) {
  return (
    <div className="pager">
      <button type="button" className="button" disabled={props.page === 0} onClick={props.onPrevious}>
        ← Newer
      </button>
      <span className="muted">Page {props.page + 1}</span>
      <button type="button" className="button" disabled={!props.hasNext} onClick={props.onNext}>
        Older →
      </button>
    </div>
  );
}
