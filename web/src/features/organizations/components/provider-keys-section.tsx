import { useState } from 'react';
import { PROVIDERS } from '../../../../../shared/catalog/providers.js';
import { formatDateTime } from '../../../components/format.js';
import { type KeyStatusLike, providerKeyStatus } from '../model/provider-key-status.js';

interface KeyRow extends KeyStatusLike {
  id: string;
  provider: string;
  region: string;
  mask: string;
  updatedAt: string;
}

/**
 * BYOK keys: masks only; the secret goes up once and never comes back. A key the gateway took
 * out of service (the provider rejected it, or it rests after a 429) shows why, with "Enable".
 */
export function ProviderKeysSection(props: {
  keys: KeyRow[];
  canManage: boolean;
  onSet(provider: string, key: string, region: string): Promise<string | null>;
  onEnable(id: string): Promise<string | null>;
  onDelete(id: string): Promise<string | null>;
}) {
  const [provider, setProvider] = useState<string>(PROVIDERS[0].id);
  const [key, setKey] = useState('');
  const [region, setRegion] = useState('');
  const [error, setError] = useState<string | null>(null);
  const existing = props.keys.find((k) => k.provider === provider && k.region === region.trim());
  return (
    <section className="card" aria-label="Provider keys">
      <header className="card-header">
        <h3>Provider keys (BYOK)</h3>
        <span className="muted">stored encrypted; only masks are shown</span>
      </header>
      {props.keys.length === 0 ? <p className="state state-empty">No stored provider keys.</p> : null}
      <ul className="rows" data-testid="provider-keys">
        {props.keys.map((k) => {
          const status = providerKeyStatus(k);
          return (
            <li key={k.id} className="row">
              <strong>{k.provider}</strong>
              {k.region ? <span className="badge">{k.region}</span> : null}
              <code data-testid={`mask-${k.provider}`}>{k.mask}</code>
              <span className="muted">updated {formatDateTime(k.updatedAt)}</span>
              {status.label ? (
                <span
                  className={`badge pool-${k.status.toLowerCase()}`}
                  data-testid={`key-status-${k.provider}`}
                  title={status.detail ?? undefined}
                >
                  {status.label}
                </span>
              ) : null}
              {status.detail ? <span className="muted">{status.detail}</span> : null}
              {props.canManage && status.canEnable ? (
                <button
                  type="button"
                  className="button"
                  data-testid={`enable-${k.provider}`}
                  onClick={async () => setError(await props.onEnable(k.id))}
                >
                  Enable
                </button>
              ) : null}
              {props.canManage ? (
                <button type="button" className="link-button danger" onClick={async () => setError(await props.onDelete(k.id))}>
                  Delete
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {props.canManage ? (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const message = await props.onSet(provider, key.trim(), region.trim());
            setError(message);
            if (!message) setKey('');
          }}
        >
          <select aria-label="Key provider" value={provider} onChange={(e) => setProvider(e.target.value)}>
            {PROVIDERS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <input
            type="password"
            autoComplete="off"
            aria-label="Provider API key"
            placeholder="Paste the provider API key"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
          <input
            aria-label="Region (optional)"
            placeholder="Region (optional)"
            value={region}
            onChange={(e) => setRegion(e.target.value)}
          />
          <button type="submit" className="button">
            {existing ? 'Replace key' : 'Add key'}
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-testid="provider-key-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
