import { useState } from 'react';

export function SignInForm({ onSubmit }: { onSubmit(email: string, password: string): Promise<string | null> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="card sign-in"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(await onSubmit(email, password));
        setBusy(false);
      }}
    >
      <h1>keyplane</h1>
      <p className="muted">Sign in to the dashboard.</p>
      <label className="field">
        <span>Email</span>
        <input type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
