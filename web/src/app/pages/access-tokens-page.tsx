import { useMemo, useState } from 'react';
import { attempt } from '../../apollo/errors.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { QueryState } from '../../components/states.js';
import { useAccessTokens, useCreateAccessToken, useRevokeAccessToken } from '../../features/access-tokens/api/access-tokens.js';
import {
  AccessTokenSecretDialog,
  AccessTokensTable,
  CreateAccessTokenForm,
} from '../../features/access-tokens/components/access-tokens-section.js';
import {
  type AccessToken,
  type AccessTokenErrors,
  parseAccessTokenForm,
  sortAccessTokens,
} from '../../features/access-tokens/model/access-token-form.js';

export function AccessTokensPage() {
  const { data, loading, error, refetch } = useAccessTokens();
  const [create] = useCreateAccessToken();
  const [revoke] = useRevokeAccessToken();
  const [errors, setErrors] = useState<AccessTokenErrors>({});
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<AccessToken | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const now = new Date();
  const tokens = useMemo(() => sortAccessTokens(data?.viewer.accessTokens ?? []), [data]);
  return (
    <div className="page">
      <h1>Your access tokens</h1>
      <p className="muted">
        Bearer tokens for scripts and tools calling the GraphQL API. A token acts as you, with your roles; only its prefix is stored in
        readable form.
      </p>
      <section className="card">
        <header className="card-header">
          <h3>Tokens</h3>
        </header>
        {revokeError ? <p className="field-error">{revokeError}</p> : null}
        <QueryState
          loading={loading}
          error={error}
          empty={tokens.length === 0}
          emptyText="You have no access tokens yet."
          retry={() => void refetch()}
        >
          <AccessTokensTable tokens={tokens} now={now} onRevoke={(t) => setRevoking(t)} />
        </QueryState>
      </section>
      <CreateAccessTokenForm
        errors={errors}
        onSubmit={async (values) => {
          const parsed = parseAccessTokenForm(values);
          if (!parsed.ok) {
            setErrors(parsed.errors);
            return false;
          }
          let created: string | null = null;
          const message = await attempt(async () => {
            const result = await create({ variables: { input: parsed.input } });
            created = result.data?.createAccessToken.secret ?? null;
          });
          setErrors(message ? { form: message } : {});
          if (created) setSecret(created);
          return !message;
        }}
      />
      <AccessTokenSecretDialog secret={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke token"
        onCancel={() => setRevoking(null)}
        onConfirm={async () => {
          if (revoking) setRevokeError(await attempt(() => revoke({ variables: { id: revoking.id } })));
          setRevoking(null);
        }}
      >
        <p>Tools using this token are refused from now on. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
