import { useState } from 'react';
import { ORG_ROLES, type OrgRole } from '../../../../../shared/domain.js';
import { formatDateTime } from '../../../components/format.js';

interface MemberRow {
  id: string;
  role: OrgRole;
  createdAt: string;
  user: { id: string; email: string; name: string | null };
}

export function MembersSection(props: { members: MemberRow[]; canManage: boolean; onAdd(email: string, role: OrgRole, password: string): Promise<string | null>; onRemove(userId: string): Promise<string | null> }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('MEMBER');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
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
      {props.canManage ? (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const message = await props.onAdd(email.trim(), role, password);
            setError(message);
            if (!message) {
              setEmail('');
              setPassword('');
            }
          }}
        >
          <input type="email" aria-label="Member email" placeholder="email@example.com" value={email} onChange={(e) => setEmail(e.target.value)} required />
          <select aria-label="Member role" value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
            {ORG_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <input type="password" aria-label="Password for a new user" placeholder="Password (new users)" value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" className="button">
            Add or change member
          </button>
        </form>
      ) : null}
      {error ? <p className="field-error">{error}</p> : null}
    </section>
  );
}
