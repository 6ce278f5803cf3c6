import { useState } from 'react';
import { type Column, DataTable } from '../../../components/data-table.js';
import { formatDateTime, formatUsd } from '../../../components/format.js';
import type { CreditLedgerQuery } from '../../../graphql/generated.js';

type Entry = CreditLedgerQuery['organization']['creditLedger']['nodes'][number];

const columns: Column<Entry>[] = [
  { key: 'time', header: 'Time (UTC)', cell: (e) => formatDateTime(e.createdAt).replace(' UTC', '') },
  { key: 'kind', header: 'Kind', cell: (e) => e.kind },
  // A ledger moves by fractions of a cent: exact figures, so consecutive balances never read the same.
  { key: 'amount', header: 'Amount', align: 'right', cell: (e) => formatUsd(e.amountUsd, 'exact') },
  { key: 'balance', header: 'Balance after', align: 'right', cell: (e) => formatUsd(e.balanceAfter, 'exact') },
  { key: 'note', header: 'Note', cell: (e) => e.note || (e.requestId ? `request ${e.requestId}` : '') },
];

export function CreditsSection(props: {
  balance: string;
  entries: Entry[];
  hasNext: boolean;
  page: number;
  onNext(): void;
  onPrevious(): void;
  canAdd: boolean;
  onAdd(amount: string, note: string): Promise<string | null>;
}) {
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card" aria-label="Credits">
      <header className="card-header">
        <h3>Credits</h3>
        <span className="balance" data-testid="credit-balance">
          {formatUsd(props.balance)}
        </span>
      </header>
      {props.canAdd ? (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!/^\d+(\.\d{1,6})?$/.test(amount.trim()) || Number(amount) <= 0)
              return setError('A positive amount in USD, like 100 or 12.50');
            const message = await props.onAdd(amount.trim(), note.trim());
            setError(message);
            if (!message) {
              setAmount('');
              setNote('');
            }
          }}
        >
          <input
            aria-label="Credit amount (USD)"
            placeholder="Amount (USD)"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
          <input aria-label="Credit note" placeholder="Note (e.g. invoice 1042)" value={note} onChange={(e) => setNote(e.target.value)} />
          <button type="submit" className="button">
            Add credits
          </button>
          {error ? <span className="field-error">{error}</span> : null}
        </form>
      ) : null}
      {props.entries.length === 0 ? (
        <p className="state state-empty">No ledger entries yet.</p>
      ) : (
        <DataTable label="Credit ledger" columns={columns} rows={props.entries} rowKey={(e) => e.id} />
      )}
      <div className="pager">
        <button type="button" className="button" disabled={props.page === 0} onClick={props.onPrevious}>
          ← Newer
        </button>
        <button type="button" className="button" disabled={!props.hasNext} onClick={props.onNext}>
          Older →
        </button>
      </div>
    </section>
  );
}
