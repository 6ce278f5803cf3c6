import { useNavigate } from 'react-router';
import { attempt } from '../../apollo/errors.js';
import { QueryState } from '../../components/states.js';
import { useCreateOrganization, useOrganizations } from '../../features/organizations/api/organizations.js';
import { CreateOrganizationForm, OrganizationList } from '../../features/organizations/components/organization-list.js';
import { roleLabel } from '../../features/organizations/model/permissions.js';
import { useViewerContext } from '../session.js';

export function OrganizationsPage() {
  const viewer = useViewerContext();
  const { data, loading, error, refetch } = useOrganizations();
  const [create] = useCreateOrganization();
  const navigate = useNavigate();
  const organizations = data?.organizations ?? [];
  return (
    <div className="page">
      <h1>Organizations</h1>
      <p className="muted">{viewer.isOperator ? 'Every organization on the platform.' : 'Organizations you belong to.'}</p>
      {viewer.isOperator ? (
        <CreateOrganizationForm
          onCreate={(name) =>
            attempt(async () => {
              const result = await create({ variables: { input: { name } } });
              if (result.data) navigate(`/organizations/${result.data.createOrganization.id}`);
            })
          }
        />
      ) : null}
      <section className="card">
        <QueryState
          loading={loading}
          error={error}
          empty={organizations.length === 0}
          emptyText="No organizations yet."
          retry={() => void refetch()}
        >
          <OrganizationList organizations={organizations} roleOf={(o) => roleLabel(o.viewerRole, viewer)} />
        </QueryState>
      </section>
    </div>
  );
}
