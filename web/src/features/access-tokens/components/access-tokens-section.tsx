import { useState } from 'react';
import { type Column, DataTable } from '../../../components/data-table.js';
import { formatDateTime } from '../../../components/format.js';
import { SecretOnceDialog } from '../../../components/secret-once-dialog.js';
import {
  type AccessToken,
  type AccessTokenErrors,
  type AccessTokenFormValues,
  accessTokenStatus,
  EMPTY_ACCESS_TOKEN_FORM,
} from '../model/access-token-form.js';

export function AccessTokensTable({ tokens, now, onRevoke }: { tokens: AccessToken[]; now: Date; onRevoke(token: AccessToken): void }) {
  const columns: Column<AccessToken>[] = [
    { key: 'name', header: 'Name', cell: (t) => t.name },
    { key: 'prefix', header: 'Token', cell: (t) => <code>{t.prefix}…</code> },
    {
      key: 'status',
      header: 'Status',
      cell: (t) => <span className={`badge key-${accessTokenStatus(t, now)}`}>{accessTokenStatus(t, now)}</span>,
    },
    { key: 'created', header: 'Created', cell: (t) => formatDateTime(t.createdAt) },
    { key: 'used', header: 'Last used', cell: (t) => formatDateTime(t.lastUsedAt) },
    { key: 'expires', header: 'Expires', cell: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : 'never') },
    {
      key: 'actions',
      header: '',
      cell: (t) =>
        accessTokenStatus(t, now) === 'active' ? (
          <button type="button" className="link-button danger" aria-label={`Revoke ${t.name}`} onClick={() => onRevoke(t)}>
            Revoke
          </button>
        ) : null,
    },
  ];
  return <DataTable label="Your access tokens" columns={columns} rows={tokens} rowKey={(t) => t.id} testId="table-access-tokens" />;
}

export function CreateAccessTokenForm({
  errors,
  onSubmit,
}: {
  errors: AccessTokenErrors;
  onSubmit(values: AccessTokenFormValues): Promise<boolean>;
}) {
  const [values, setValues] = useState<AccessTokenFormValues>(EMPTY_ACCESS_TOKEN_FORM);
  return (
    <form
      className="card form-grid"
      aria-label="Create access token"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onSubmit(values)) setValues(EMPTY_ACCESS_TOKEN_FORM);
      }}
    >
      <h3>New access token</h3>
      <label className="field">
        <span>Name</span>
        <input
          aria-label="Token name"
          placeholder="e.g. finance export script"
          value={values.name}
          onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
        />
        {errors.name ? <span className="field-error">{errors.name}</span> : null}
      </label>
      <label className="field">
        <span>Expires on (optional, end of day UTC)</span>
        <input
          type="date"
          aria-label="Token expires on"
          value={values.expiresOn}
          onChange={(e) => setValues((v) => ({ ...v, expiresOn: e.target.value }))}
        />
        {errors.expiresOn ? <span className="field-error">{errors.expiresOn}</span> : null}
      </label>
      {errors.form ? <p className="field-error">{errors.form}</p> : null}
      <div className="field">
        <button type="submit" className="button primary">
          Create token
        </button>
      </div>
    </form>
  );
}

/** The one time the secret is visible. */
export function AccessTokenSecretDialog({ secret, onClose }: { secret: string | null; onClose(): void }) {
  return (
    <SecretOnceDialog
      secret={secret}
      title="Your new access token"
      testId="access-token-secret"
      onClose={onClose}
      usage={
        <>
          Send it as <code>Authorization: Bearer …</code> to <code>/graphql</code>; it acts as you, with your roles.
        </>
      }
    />
  );
}
