import { type Column, DataTable } from '../../../components/data-table.js';
import { formatCount, formatDateTime, formatUsd } from '../../../components/format.js';
import { StatTile } from '../../../components/stat-tile.js';
import { cooldownRemaining, keyAction, type PoolKey, type PoolSummary, type UnconfiguredKey } from '../model/pool.js';

export function PoolSummaryTiles({ summary }: { summary: PoolSummary[] }) {
  return (
    <div className="stats">
      {summary.map((s) => (
        <StatTile key={s.provider} label={s.provider} value={s.headline} hint={s.detail} testId={`pool-summary-${s.provider}`} />
      ))}
    </div>
  );
}

export function PoolKeysTable({ keys, now, onSetState }: { keys: PoolKey[]; now: Date; onSetState(name: string, enabled: boolean): void }) {
  const columns: Column<PoolKey>[] = [
    {
      key: 'name',
      header: 'Key name',
      cell: (k) => (
        <>
          <code>{k.name}</code>
          {k.source === 'env' ? (
            <span className="badge" title="The legacy single key, used when the hosted flag is off or the pool is empty">
              env
            </span>
          ) : null}
        </>
      ),
    },
    {
      key: 'state',
      header: 'State',
      cell: (k) => (
        <span className={`badge pool-${k.state.toLowerCase()}`} data-testid={`pool-state-${k.name}`}>
          {k.state.replace('_', ' ').toLowerCase()}
          {k.state === 'COOLING_DOWN' ? ` · ${cooldownRemaining(k.cooldownUntil, now) ?? 'ending'}` : ''}
        </span>
      ),
    },
    { key: 'reason', header: 'Reason', cell: (k) => k.disabledReason ?? '—' },
    { key: 'last', header: 'Last used', cell: (k) => formatDateTime(k.lastUsedAt) },
    {
      key: 'hour',
      header: 'Last hour',
      align: 'right',
      cell: (k) => `${formatCount(k.lastHour.requests)} req · ${formatCount(k.lastHour.failures)} failed`,
    },
    {
      key: 'day',
      header: 'Last 24 h',
      align: 'right',
      cell: (k) =>
        `${formatCount(k.lastDay.requests)} req · ${formatCount(k.lastDay.failures)} failed · ${formatUsd(k.lastDay.billedCostUsd)}`,
    },
    {
      key: 'action',
      header: '',
      cell: (k) => {
        const action = keyAction(k);
        return (
          <button
            type="button"
            className={action.enabled ? 'button' : 'link-button danger'}
            onClick={() => onSetState(k.name, action.enabled)}
          >
            {action.label}
          </button>
        );
      },
    },
  ];
  if (keys.length === 0)
    return (
      <p className="state state-empty">
        No hosted keys configured in this process for this provider (set its &lt;P&gt;_API_KEY_1… to add some).
      </p>
    );
  return <DataTable label="Hosted keys" columns={columns} rows={keys} rowKey={(k) => k.name} />;
}

/**
 * Key names usage shows but this process does not have (another instance's environment, demo
 * data seeded without a pool): listed apart, with no state, because nothing here can use them.
 */
export function UnconfiguredKeysTable({ keys }: { keys: UnconfiguredKey[] }) {
  if (keys.length === 0) return null;
  const columns: Column<UnconfiguredKey>[] = [
    { key: 'name', header: 'Key name (seen in usage)', cell: (k) => <code>{k.name}</code> },
    { key: 'source', header: 'Kind', cell: (k) => (k.source === 'env' ? 'env key' : 'pool key') },
    { key: 'requests', header: 'Requests, last 30 days', align: 'right', cell: (k) => formatCount(k.requests) },
    { key: 'state', header: 'State here', cell: () => <span className="badge">not configured</span> },
  ];
  return (
    <div className="unconfigured-keys" data-testid="unconfigured-keys">
      <p className="muted">
        Usage names these keys, but this process is not configured with them, so it cannot use them or report their state.
      </p>
      <DataTable label="Keys seen in usage only" columns={columns} rows={keys} rowKey={(k) => `${k.source}-${k.name}`} />
    </div>
  );
}
