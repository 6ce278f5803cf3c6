import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { attempt, attemptForm, errorMessage } from '../../apollo/errors.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { formatPercent } from '../../components/format.js';
import { QueryState } from '../../components/states.js';
import { useAuditLog } from '../../features/audit/api/audit.js';
import { AuditLogSection } from '../../features/audit/components/audit-log-section.js';
import { useAddCredits, useCreditLedger } from '../../features/credits/api/credits.js';
import { CreditsSection } from '../../features/credits/components/credits-section.js';
import { useDeleteCustomProvider, useSetCustomProvider } from '../../features/custom-providers/api/custom-providers.js';
import { CustomProvidersSection } from '../../features/custom-providers/components/custom-providers-section.js';
import {
  type CustomProvider,
  type CustomProviderErrors,
  customProviderErrors,
  parseCustomProviderForm,
} from '../../features/custom-providers/model/custom-provider-form.js';
import {
  useAddMember,
  useCreateProject,
  useDeleteProviderKey,
  useOrganization,
  useRemoveMember,
  useResendInvitation,
  useRevokeInvitation,
  useSetProviderKey,
  useSetProviderKeyState,
  useUpdateProject,
} from '../../features/organizations/api/organizations.js';
import { type InviteOutcome, MembersSection } from '../../features/organizations/components/members-section.js';
import { ProjectsSection } from '../../features/organizations/components/projects-section.js';
import { ProviderKeysSection } from '../../features/organizations/components/provider-keys-section.js';
import { canAddCredits, canManage, canReadAudit, roleLabel } from '../../features/organizations/model/permissions.js';
import { useViewerContext } from '../session.js';
import { OrganizationWebhooks } from './organization-webhooks.js';

/** Run an invite or resend; the link it returns is shown once. */
async function withLink(run: () => Promise<string | null | undefined>): Promise<InviteOutcome> {
  try {
    return { error: null, link: (await run()) ?? null };
  } catch (error) {
    return { error: errorMessage(error), link: null };
  }
}

export function OrganizationPage() {
  const { id = '' } = useParams();
  const viewer = useViewerContext();
  const { data, loading, error, refetch } = useOrganization(id);
  const [addMember] = useAddMember(id);
  const [removeMember] = useRemoveMember(id);
  const [revokeInvitation] = useRevokeInvitation(id);
  const [resendInvitation] = useResendInvitation(id);
  const [createProject] = useCreateProject(id);
  const [updateProject] = useUpdateProject();
  const [setProviderKey] = useSetProviderKey(id);
  const [deleteProviderKey] = useDeleteProviderKey(id);
  const [setProviderKeyState] = useSetProviderKeyState(id);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const ledger = useCreditLedger(id, cursors.at(-1) ?? null);
  const [addCredits] = useAddCredits(id);
  const [setCustomProvider] = useSetCustomProvider(id);
  const [deleteCustomProvider] = useDeleteCustomProvider(id);
  const [customErrors, setCustomErrors] = useState<CustomProviderErrors>({});
  const [deletingCustom, setDeletingCustom] = useState<CustomProvider | null>(null);
  const [params, setParams] = useSearchParams();
  const org = data?.organization;
  const manage = canManage(viewer, org?.viewerRole);
  const showAudit = canReadAudit(viewer, org?.viewerRole);
  const tab = showAudit && params.get('tab') === 'audit' ? 'audit' : 'settings';
  const selectTab = (next: 'settings' | 'audit') => {
    const copy = new URLSearchParams(params);
    if (next === 'audit') copy.set('tab', 'audit');
    else copy.delete('tab');
    setParams(copy);
  };
  return (
    <div className="page">
      <p>
        <Link to="/organizations">← Organizations</Link>
      </p>
      <QueryState loading={loading} error={error} empty={!org} emptyText="No such organization." retry={() => void refetch()}>
        {org ? (
          <>
            <h1>{org.name}</h1>
            <p className="muted">
              <code>{org.slug}</code> · your role: {roleLabel(org.viewerRole, viewer)}
              {manage ? '' : ' (read-only)'} · BYOK fee {formatPercent(Number(org.byokFeeRate))}
              {org.hostedCostMultiplier ? ` · hosted multiplier ×${org.hostedCostMultiplier}` : ''} ·{' '}
              <Link to={`/?org=${org.id}`}>usage</Link> · <Link to={`/cost?org=${org.id}&by=PROJECT`}>cost</Link>
            </p>
            {showAudit ? (
              <div className="tabs" role="tablist" aria-label="Organization sections">
                {(['settings', 'audit'] as const).map((t) => (
                  <button
                    key={t}
                    type="button"
                    role="tab"
                    aria-selected={tab === t}
                    className={tab === t ? 'tab active' : 'tab'}
                    onClick={() => selectTab(t)}
                  >
                    {t === 'settings' ? 'Settings' : 'Audit log'}
                  </button>
                ))}
              </div>
            ) : null}
            {tab === 'audit' ? <OrganizationAudit organizationId={id} /> : null}
            {tab === 'settings' ? (
              <>
                <div className="grid-2">
                  <ProjectsSection
                    projects={org.projects}
                    canManage={manage}
                    onCreate={(name, mode) => attempt(() => createProject({ variables: { input: { organizationId: id, name, mode } } }))}
                    onChangeMode={(projectId, mode) => attempt(() => updateProject({ variables: { id: projectId, input: { mode } } }))}
                  />
                  <MembersSection
                    members={org.members}
                    invitations={org.invitations}
                    canManage={manage}
                    onAdd={(email, role) =>
                      withLink(
                        async () =>
                          (await addMember({ variables: { input: { organizationId: id, email, role } } })).data?.addMember.invitation?.url,
                      )
                    }
                    onRemove={(userId) => attempt(() => removeMember({ variables: { organizationId: id, userId } }))}
                    onRevoke={(invitationId) => attempt(() => revokeInvitation({ variables: { id: invitationId } }))}
                    onResend={(invitationId) =>
                      withLink(async () => (await resendInvitation({ variables: { id: invitationId } })).data?.resendInvitation.url)
                    }
                  />
                </div>
                <ProviderKeysSection
                  keys={org.providerKeys}
                  canManage={manage}
                  onSet={(provider, key, region) =>
                    attempt(() =>
                      setProviderKey({ variables: { input: { organizationId: id, provider, key, ...(region ? { region } : {}) } } }),
                    )
                  }
                  onEnable={(keyId) => attempt(() => setProviderKeyState({ variables: { input: { id: keyId, enabled: true } } }))}
                  onDelete={(keyId) => attempt(() => deleteProviderKey({ variables: { id: keyId } }))}
                />
                <CustomProvidersSection
                  providers={org.customProviders}
                  canManage={manage}
                  errors={customErrors}
                  onSave={async (values) => {
                    const parsed = parseCustomProviderForm(id, values);
                    if (!parsed.ok) {
                      setCustomErrors(parsed.errors);
                      return false;
                    }
                    const failure = await attemptForm(() => setCustomProvider({ variables: { input: parsed.input } }));
                    setCustomErrors(failure ? customProviderErrors(failure) : {});
                    return !failure;
                  }}
                  onDelete={(provider) => setDeletingCustom(provider)}
                />
                {manage ? <OrganizationWebhooks organizationId={id} /> : null}
                <CreditsSection
                  balance={ledger.data?.organization.creditBalance ?? org.creditBalance}
                  entries={ledger.data?.organization.creditLedger.nodes ?? []}
                  hasNext={Boolean(ledger.data?.organization.creditLedger.pageInfo.hasNextPage)}
                  page={cursors.length - 1}
                  onNext={() => {
                    const end = ledger.data?.organization.creditLedger.pageInfo.endCursor;
                    if (end) setCursors([...cursors, end]);
                  }}
                  onPrevious={() => setCursors(cursors.slice(0, -1))}
                  canAdd={canAddCredits(viewer)}
                  onAdd={(amountUsd, note) =>
                    attempt(() => addCredits({ variables: { input: { organizationId: id, amountUsd, ...(note ? { note } : {}) } } }))
                  }
                />
                <ConfirmDialog
                  open={deletingCustom !== null}
                  title={`Delete custom provider ${deletingCustom?.slug ?? ''}?`}
                  confirmLabel="Delete provider"
                  onCancel={() => setDeletingCustom(null)}
                  onConfirm={async () => {
                    if (deletingCustom) {
                      const message = await attempt(() => deleteCustomProvider({ variables: { id: deletingCustom.id } }));
                      setCustomErrors(message ? { form: message } : {});
                    }
                    setDeletingCustom(null);
                  }}
                >
                  <p>Its models ({deletingCustom?.slug}/…) can no longer be called through the gateway.</p>
                </ConfirmDialog>
              </>
            ) : null}
          </>
        ) : null}
      </QueryState>
    </div>
  );
}

function OrganizationAudit({ organizationId }: { organizationId: string }) {
  const audit = useAuditLog(organizationId);
  return (
    <AuditLogSection
      title="Audit log"
      entries={audit.entries}
      loading={audit.loading}
      error={audit.error}
      page={audit.page}
      hasOlder={audit.hasOlder}
      onOlder={audit.older}
      onNewer={audit.newer}
      filter={audit.filter}
      onFilter={audit.setFilter}
    />
  );
}
