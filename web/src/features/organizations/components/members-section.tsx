import { useState } from 'react';
import { ORG_ROLES, type OrgRole } from '../../../../../shared/domain.js';
import { formatDateTime } from '../../../components/format.js';
import { SecretOnceDialog } from '../../../components/secret-once-dialog.js';

interface MemberRow {
  id: string;
  role: OrgRole;
  createdAt: string;
  user: { id: string; email: string; name: string | null };
}

interface InvitationRow {
  id: string;
  email: string;
  role: OrgRole;
  expiresAt: string;
}

/** What an invite or resend gave back: an error to show, or the one-time link (null for a role change). */
export interface InviteOutcome {
  error: string | null;
  link: string | null;
}

export function MembersSection(props: {
  members: MemberRow[];
  invitations: InvitationRow[];
  canManage: boolean;
  onAdd(email: string, role: OrgRole): Promise<InviteOutcome>;
  onRemove(userId: string): Promise<string | null>;
  onRevoke(invitationId: string): Promise<string | null>;
  onResend(invitationId: string): Promise<InviteOutcome>;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('MEMBER');
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const show = (outcome: InviteOutcome) => {
    setError(outcome.error);
    setLink(outcome.link);
    return !outcome.error;
  };
  return (
    <section className="card" aria-label="Members">
      <header className="card-header">
        <h3>Members</h3>
      </header>
      <ul className="rows">
        {props.members.map((m) => (
          <li key={m.id} className="row">
            <span>{m.user.email}</span>
            <span className="badge">{m.role}</span>
            <span className="muted">since {formatDateTime(m.createdAt).slice(0, 10)}</span>
            {props.canManage ? (
              <button type="button" className="link-button danger" onClick={async () => setError(await props.onRemove(m.user.id))}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {props.invitations.length > 0 ? (
        <>
          <h4>Pending invitations</h4>
          <ul className="rows" aria-label="Pending invitations">
            {props.invitations.map((i) => (
              <li key={i.id} className="row">
                <span>{i.email}</span>
                <span className="badge">{i.role}</span>
                <span className="muted">expires {formatDateTime(i.expiresAt).slice(0, 10)}</span>
                {props.canManage ? (
                  <>
                    <button type="button" className="link-button" onClick={async () => show(await props.onResend(i.id))}>
                      Resend
                    </button>
                    <button type="button" className="link-button danger" onClick={async () => setError(await props.onRevoke(i.id))}>
                      Revoke
                    </button>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {props.canManage ? (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (show(await props.onAdd(email.trim(), role))) setEmail('');
          }}
        >
          <input
            type="email"
            aria-label="Member email"
            placeholder="email@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
          <select aria-label="Member role" value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
            {ORG_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button type="submit" className="button">
            Invite or change role
          </button>
        </form>
      ) : null}
      {error ? <p className="field-error">{error}</p> : null}
      <SecretOnceDialog
        secret={link}
        title="Invitation link"
        testId="invitation-link"
        onClose={() => setLink(null)}
        usage="Send it to the invited person. It works once and expires in 7 days; they choose their own password, or accept while signed in if they already have an account."
      />
    </section>
  );
}
