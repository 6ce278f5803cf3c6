import { type Column, DataTable } from '../../../components/data-table.js';
import { formatCount, formatDateTime, formatUsd } from '../../../components/format.js';
import { StatTile } from '../../../components/stat-tile.js';
import type { HostedKeyPoolQuery } from '../../../graphql/generated.js';
import { cooldownRemaining, keyAction, type PoolKey, type PoolSummary } from '../model/pool.js';

type Setting = HostedKeyPoolQuery['providerSettings'][number];

export function PoolSummaryTiles({ summary }: { summary: PoolSummary[] }) {
  return (
    <div className="stats">
      {summary.map((s) => (
        <StatTile key={s.provider} label={s.provider} value={`${s.available}/${s.total} available`} hint={`${s.coolingDown} cooling down · ${s.disabled} disabled`} />
      ))}
    </div>
  );
}

export function PoolKeysTable({ keys, now, settings, onSetState }: { keys: PoolKey[]; now: Date; settings: Setting | undefined; onSetState(name: string, enabled: boolean): void }) {
  const columns: Column<PoolKey>[] = [
    { key: 'name', header: 'Key name', cell: (k) => <code>{k.name}</code> },
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
    { key: 'hour', header: 'Last hour', align: 'right', cell: (k) => `${formatCount(k.lastHour.requests)} req · ${formatCount(k.lastHour.failures)} failed` },
    { key: 'day', header: 'Last 24 h', align: 'right', cell: (k) => `${formatCount(k.lastDay.requests)} req · ${formatCount(k.lastDay.failures)} failed · ${formatUsd(k.lastDay.billedCostUsd)}` },
    {
      key: 'action',
      header: '',
      cell: (k) => {
        const action = keyAction(k);
        return (
          <button type="button" className={action.enabled ? 'button' : 'link-button danger'} onClick={() => onSetState(k.name, action.enabled)}>
            {action.label}
          </button>
        );
      },
    },
  ];
  return (
    <>
      <p className="muted">
        Limiter: {settings ? settings.mode.replace('_', ' ').toLowerCase() : 'none'}
        {settings?.requestsPerMinute ? ` · ${settings.requestsPerMinute} rpm` : ''}
        {settings?.mode === 'QUEUE' ? ` · queue timeout ${settings.queueTimeoutMs ?? 10000} ms` : ''}
      </p>
      <DataTable label="Hosted keys" columns={columns} rows={keys} rowKey={(k) => k.name} />
    </>
  );
}
