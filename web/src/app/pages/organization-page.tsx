import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { attempt } from '../../apollo/errors.js';
import { formatPercent } from '../../components/format.js';
import { QueryState } from '../../components/states.js';
import { useAddCredits, useCreditLedger } from '../../features/credits/api/credits.js';
import { CreditsSection } from '../../features/credits/components/credits-section.js';
import {
  useAddMember,
  useCreateProject,
  useDeleteProviderKey,
  useOrganization,
  useRemoveMember,
  useSetProviderKey,
  useUpdateProject,
} from '../../features/organizations/api/organizations.js';
import { MembersSection } from '../../features/organizations/components/members-section.js';
import { ProjectsSection } from '../../features/organizations/components/projects-section.js';
import { ProviderKeysSection } from '../../features/organizations/components/provider-keys-section.js';
import { canAddCredits, canManage, roleLabel } from '../../features/organizations/model/permissions.js';
import { useViewerContext } from '../session.js';

export function OrganizationPage() {
  const { id = '' } = useParams();
  const viewer = useViewerContext();
  const { data, loading, error, refetch } = useOrganization(id);
  const [addMember] = useAddMember(id);
  const [removeMember] = useRemoveMember(id);
  const [createProject] = useCreateProject(id);
  const [updateProject] = useUpdateProject();
  const [setProviderKey] = useSetProviderKey(id);
  const [deleteProviderKey] = useDeleteProviderKey(id);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const ledger = useCreditLedger(id, cursors.at(-1) ?? null);
  const [addCredits] = useAddCredits(id);
  const org = data?.organization;
  const manage = canManage(viewer, org?.viewerRole);
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
            <div className="grid-2">
              <ProjectsSection
                projects={org.projects}
                canManage={manage}
                onCreate={(name, mode) => attempt(() => createProject({ variables: { input: { organizationId: id, name, mode } } }))}
                onChangeMode={(projectId, mode) => attempt(() => updateProject({ variables: { id: projectId, input: { mode } } }))}
              />
              <MembersSection
                members={org.members}
                canManage={manage}
                onAdd={(email, role, password) => attempt(() => addMember({ variables: { input: { organizationId: id, email, role, ...(password ? { password } : {}) } } }))}
                onRemove={(userId) => attempt(() => removeMember({ variables: { organizationId: id, userId } }))}
              />
            </div>
            <ProviderKeysSection
              keys={org.providerKeys}
              canManage={manage}
              onSet={(provider, key, region) => attempt(() => setProviderKey({ variables: { input: { organizationId: id, provider, key, ...(region ? { region } : {}) } } }))}
              onDelete={(keyId) => attempt(() => deleteProviderKey({ variables: { id: keyId } }))}
            />
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
              onAdd={(amountUsd, note) => attempt(() => addCredits({ variables: { input: { organizationId: id, amountUsd, ...(note ? { note } : {}) } } }))}
            />
          </>
        ) : null}
      </QueryState>
    </div>
  );
}
