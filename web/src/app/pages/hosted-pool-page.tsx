import { useState } from 'react';
import { attempt, attemptForm } from '../../apollo/errors.js';
import { QueryState } from '../../components/states.js';
import { useHostedKeyPool, useSetHostedKeyState, useSetProviderLimiter } from '../../features/hosted-pool/api/hosted-pool.js';
import { LimiterForm } from '../../features/hosted-pool/components/limiter-form.js';
import { PoolKeysTable, PoolSummaryTiles, UnconfiguredKeysTable } from '../../features/hosted-pool/components/pool-view.js';
import { type LimiterErrors, limiterErrors, limiterInput } from '../../features/hosted-pool/model/limiter-form.js';
import { poolSummary, unconfiguredTotal } from '../../features/hosted-pool/model/pool.js';

export function HostedPoolPage() {
  const { data, loading, error, refetch } = useHostedKeyPool();
  const [setState] = useSetHostedKeyState();
  const [setLimiter] = useSetProviderLimiter();
  const [message, setMessage] = useState<string | null>(null);
  const [limiterState, setLimiterState] = useState<Record<string, { errors: LimiterErrors; saved: boolean }>>({});
  const pool = data?.hostedKeyPool ?? [];
  const limiterDefaults = data?.defaultLimiterSetting;
  const now = new Date();
  return (
    <div className="page">
      <h1>Hosted key pool</h1>
      <p className="muted">The platform’s keys from &lt;P&gt;_API_KEY_1…N, by name; secrets are never shown. Refreshes every 15 s.</p>
      {message ? <p className="field-error">{message}</p> : null}
      {unconfiguredTotal(pool) > 0 ? (
        <p className="state state-warning" role="note" data-testid="pool-config-note">
          Usage shows traffic on {unconfiguredTotal(pool)} platform key name(s) this process is not configured with — the data came from
          another instance or from demo data seeded without a pool. They are listed under each provider; set them here to manage them.
        </p>
      ) : null}
      <QueryState
        loading={loading}
        error={error}
        empty={pool.length === 0}
        emptyText="No hosted keys are configured (set <P>_API_KEY_1… in the environment)."
        retry={() => void refetch()}
      >
        <PoolSummaryTiles summary={poolSummary(pool)} />
        {pool.map((p) => (
          <section key={p.provider} className="card" aria-label={`${p.provider} pool`}>
            <header className="card-header">
              <h3>{p.provider}</h3>
            </header>
            <PoolKeysTable
              keys={p.keys}
              now={now}
              onSetState={async (name, enabled) => setMessage(await attempt(() => setState({ variables: { name, enabled } })))}
            />
            <UnconfiguredKeysTable keys={p.unconfiguredKeys} />
            {limiterDefaults ? (
              <LimiterForm
                provider={p.provider}
                setting={data?.providerSettings.find((s) => s.provider === p.provider)}
                defaults={limiterDefaults}
                errors={limiterState[p.provider]?.errors ?? {}}
                saved={limiterState[p.provider]?.saved ?? false}
                onSubmit={async (values) => {
                  const show = (errors: LimiterErrors, saved: boolean) =>
                    setLimiterState((all) => ({ ...all, [p.provider]: { errors, saved } }));
                  const parsed = limiterInput(p.provider, values);
                  if (!parsed.ok) return show(parsed.errors, false);
                  const failure = await attemptForm(() => setLimiter({ variables: { input: parsed.input } }));
                  show(failure ? limiterErrors(failure) : {}, !failure);
                }}
              />
            ) : null}
          </section>
        ))}
      </QueryState>
    </div>
  );
}
