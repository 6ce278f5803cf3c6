import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { attempt } from '../../apollo/errors.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { QueryState } from '../../components/states.js';
import { useCreateGatewayKey, useProjectGatewayKeys, useRevokeGatewayKey } from '../../features/gateway-keys/api/gateway-keys.js';
import { CreateGatewayKeyForm, GatewayKeysTable, SecretDialog } from '../../features/gateway-keys/components/gateway-keys-section.js';
import { type GatewayKeyFormValues, parseGatewayKeyForm } from '../../features/gateway-keys/model/gateway-key-form.js';
import { MODE_LABELS } from '../../features/organizations/model/mode-change.js';
import { canManage } from '../../features/organizations/model/permissions.js';
import { useViewerContext } from '../session.js';
import { ProjectAttributionBudgets } from './project-attribution-budgets.js';

export function ProjectPage() {
  const { id = '' } = useParams();
  const viewer = useViewerContext();
  const { data, loading, error, refetch } = useProjectGatewayKeys(id);
  const [create] = useCreateGatewayKey(id);
  const [revoke] = useRevokeGatewayKey();
  const [secret, setSecret] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<keyof GatewayKeyFormValues, string>> & { form?: string }>({});
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const project = data?.project;
  const manage = canManage(viewer, project?.organization.viewerRole);
  return (
    <div className="page">
      <QueryState loading={loading} error={error} empty={!project} emptyText="No such project." retry={() => void refetch()}>
        {project ? (
          <>
            <p>
              <Link to={`/organizations/${project.organizationId}`}>← {project.organization.name}</Link>
            </p>
            <h1>{project.name}</h1>
            <p className="muted">
              Mode: {MODE_LABELS[project.mode]} · <Link to={`/requests?projectId=${project.id}`}>requests</Link>
            </p>
            <section className="card">
              <header className="card-header">
                <h3>Gateway keys</h3>
              </header>
              {project.gatewayKeys.length === 0 ? (
                <p className="state state-empty">No gateway keys yet.</p>
              ) : (
                <GatewayKeysTable keys={project.gatewayKeys} canManage={manage} onRevoke={(k) => setRevoking(k)} />
              )}
            </section>
            {manage ? (
              <CreateGatewayKeyForm
                errors={errors}
                onSubmit={async (values) => {
                  const parsed = parseGatewayKeyForm(id, values);
                  if (!parsed.ok) {
                    setErrors(parsed.errors);
                    return false;
                  }
                  let created: string | null = null;
                  const message = await attempt(async () => {
                    const result = await create({ variables: { input: parsed.input } });
                    created = result.data?.createGatewayKey.secret ?? null;
                  });
                  setErrors(message ? { form: message } : {});
                  if (created) setSecret(created);
                  return !message;
                }}
              />
            ) : null}
            <ProjectAttributionBudgets projectId={project.id} canManage={manage} />
            <SecretDialog secret={secret} onClose={() => setSecret(null)} />
            <ConfirmDialog
              open={revoking !== null}
              title={`Revoke ${revoking?.name ?? ''}?`}
              confirmLabel="Revoke key"
              onCancel={() => setRevoking(null)}
              onConfirm={async () => {
                if (revoking) await attempt(() => revoke({ variables: { id: revoking.id } }));
                setRevoking(null);
              }}
            >
              <p>Requests with this key are refused (401) within a second, on every instance. This cannot be undone.</p>
            </ConfirmDialog>
          </>
        ) : null}
      </QueryState>
    </div>
  );
}
