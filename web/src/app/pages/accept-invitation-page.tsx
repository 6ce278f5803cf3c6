import { useApolloClient } from '@apollo/client/react';
import { useLocation, useNavigate } from 'react-router';
import { Loading } from '../../components/states.js';
import { acceptInvitation, useViewer } from '../../features/auth/api/session.js';
import { AcceptInvitationForm } from '../../features/auth/components/accept-invitation-form.js';
import { invitationToken } from '../../features/auth/model/invitation-link.js';

/** Where invitation links land; works signed in (existing account) and signed out (new account). */
export function AcceptInvitationPage() {
  const client = useApolloClient();
  const navigate = useNavigate();
  const location = useLocation();
  const viewer = useViewer();
  const token = invitationToken(location.hash);
  if (!token) {
    return (
      <div className="sign-in-page">
        <p className="card sign-in">This invitation link is incomplete: open the whole link you were sent.</p>
      </div>
    );
  }
  if (viewer.loading) return <Loading />;
  const next = `${location.pathname}${location.hash}`;
  return (
    <div className="sign-in-page">
      <AcceptInvitationForm
        signedInAs={viewer.data?.viewer.email ?? null}
        signInPath={`/sign-in?next=${encodeURIComponent(next)}`}
        onAccept={async (password) => {
          const { error, organizationId } = await acceptInvitation(token, password);
          if (error) return error;
          await client.clearStore();
          navigate(organizationId ? `/organizations/${organizationId}` : '/', { replace: true });
          return null;
        }}
      />
    </div>
  );
}
