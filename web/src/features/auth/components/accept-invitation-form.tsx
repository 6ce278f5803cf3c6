import { useState } from 'react';

/**
 * Signed in: one button accepts as that account. Signed out: the invited person chooses a
 * password for their new account (an existing account must sign in first; the server says so).
 */
export function AcceptInvitationForm(props: {
  signedInAs: string | null;
  signInPath: string;
  onAccept(password: string | null): Promise<string | null>;
}) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const newAccount = props.signedInAs === null;
  return (
    <form
      className="card sign-in"
      onSubmit={async (e) => {
        e.preventDefault();
        if (newAccount && password !== confirm) return setError('The two passwords differ');
        setBusy(true);
        setError(await props.onAccept(newAccount ? password : null));
        setBusy(false);
      }}
    >
      <h1>keyplane</h1>
      <p className="muted">You have been invited to an organization.</p>
      {newAccount ? (
        <>
          <label className="field">
            <span>Choose a password</span>
            <input
              type="password"
              name="new-password"
              autoComplete="new-password"
              minLength={8}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span>Repeat the password</span>
            <input
              type="password"
              name="confirm-password"
              autoComplete="new-password"
              minLength={8}
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              required
            />
          </label>
          <p className="muted">
            Already have an account? <a href={props.signInPath}>Sign in</a> first, then open the link again.
          </p>
        </>
      ) : (
        <p>
          Accept as <strong>{props.signedInAs}</strong>.
        </p>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Accepting…' : 'Accept invitation'}
      </button>
    </form>
  );
}
