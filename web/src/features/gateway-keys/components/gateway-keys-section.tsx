import { useState } from 'react';
import { type Column, DataTable } from '../../../components/data-table.js';
import { formatDateTime, formatUsd } from '../../../components/format.js';
import { SecretOnceDialog } from '../../../components/secret-once-dialog.js';
import type { ProjectGatewayKeysQuery } from '../../../graphql/generated.js';
import { describeLimits, EMPTY_GATEWAY_KEY_FORM, type GatewayKeyFormValues, gatewayKeyStatus } from '../model/gateway-key-form.js';

type Key = ProjectGatewayKeysQuery['project']['gatewayKeys'][number];

export function GatewayKeysTable({ keys, canManage, onRevoke }: { keys: Key[]; canManage: boolean; onRevoke(key: Key): void }) {
  const columns: Column<Key>[] = [
    { key: 'name', header: 'Name', cell: (k) => k.name },
    { key: 'prefix', header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
    { key: 'limits', header: 'Limits', cell: (k) => describeLimits(k, formatUsd) },
    { key: 'status', header: 'Status', cell: (k) => <span className={`badge key-${gatewayKeyStatus(k)}`}>{gatewayKeyStatus(k)}</span> },
    { key: 'created', header: 'Created', cell: (k) => formatDateTime(k.createdAt) },
    {
      key: 'actions',
      header: '',
      cell: (k) =>
        canManage && gatewayKeyStatus(k) === 'active' ? (
          <button type="button" className="link-button danger" onClick={() => onRevoke(k)}>
            Revoke
          </button>
        ) : null,
    },
  ];
  return <DataTable label="Gateway keys" columns={columns} rows={keys} rowKey={(k) => k.id} testId="table-gateway-keys" />;
}

export function CreateGatewayKeyForm({
  errors,
  onSubmit,
}: {
  errors: Partial<Record<keyof GatewayKeyFormValues, string>> & { form?: string };
  onSubmit(values: GatewayKeyFormValues): Promise<boolean>;
}) {
  const [values, setValues] = useState<GatewayKeyFormValues>(EMPTY_GATEWAY_KEY_FORM);
  const field = (name: keyof GatewayKeyFormValues, label: string, input: React.ReactNode) => (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the `input` passed in
    <label className="field">
      <span>{label}</span>
      {input}
      {errors[name] ? <span className="field-error">{errors[name]}</span> : null}
    </label>
  );
  const bind = (name: keyof GatewayKeyFormValues) => ({
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });
  return (
    <form
      className="card form-grid"
      aria-label="Create gateway key"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onSubmit(values)) setValues(EMPTY_GATEWAY_KEY_FORM);
      }}
    >
      <h3>New gateway key</h3>
      {field('name', 'Name', <input aria-label="Key name" {...bind('name')} />)}
      {field('rpmLimit', 'Requests per minute (optional)', <input aria-label="RPM limit" inputMode="numeric" {...bind('rpmLimit')} />)}
      {field('budgetUsd', 'Budget USD (optional)', <input aria-label="Budget USD" inputMode="decimal" {...bind('budgetUsd')} />)}
      {field(
        'budgetPeriod',
        'Budget period',
        <select aria-label="Budget period" {...bind('budgetPeriod')}>
          <option value="">—</option>
          <option value="MONTHLY">Monthly</option>
          <option value="TOTAL">Total</option>
        </select>,
      )}
      {field(
        'allowedModels',
        'Allowed models (comma-separated; empty = all)',
        <input aria-label="Allowed models" {...bind('allowedModels')} />,
      )}
      {field('expiresAt', 'Expires on (optional)', <input type="date" aria-label="Expires on" {...bind('expiresAt')} />)}
      {errors.form ? <p className="field-error">{errors.form}</p> : null}
      <button type="submit" className="button primary">
        Create key
      </button>
    </form>
  );
}

/** The one time the secret is visible. */
export function SecretDialog({ secret, onClose }: { secret: string | null; onClose(): void }) {
  return (
    <SecretOnceDialog
      secret={secret}
      title="Your new gateway key"
      testId="gateway-key-secret"
      onClose={onClose}
      usage={
        <>
          Use it as <code>Authorization: Bearer …</code> against <code>/v1/chat/completions</code>.
        </>
      }
    />
  );
}
