import { useQuery } from '@apollo/client/react';
import { ViewerDocument } from '../../../graphql/generated.js';

/** POST /auth/sign-in; resolves to an error message, or null on success (the cookie is set). */
export async function signIn(email: string, password: string): Promise<string | null> {
  const response = await fetch('/auth/sign-in', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.ok) return null;
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `Sign-in failed (${response.status})`;
}

export async function signOut(): Promise<void> {
  await fetch('/auth/sign-out', { method: 'POST', credentials: 'same-origin' });
}

export function useViewer() {
  return useQuery(ViewerDocument, { fetchPolicy: 'network-only' });
}

/**
 * POST /auth/accept-invitation. With a password: a new account (signed in by the reply's
 * cookie). Without: accepted as the signed-in account.
 */
export async function acceptInvitation(
  token: string,
  password: string | null,
): Promise<{ error: string | null; organizationId: string | null }> {
  const response = await fetch('/auth/accept-invitation', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(password === null ? { token } : { token, password }),
  });
  const body = (await response.json().catch(() => null)) as { organizationId?: string; error?: { message?: string } } | null;
  if (response.ok) return { error: null, organizationId: body?.organizationId ?? null };
  return { error: body?.error?.message ?? `Accepting failed (${response.status})`, organizationId: null };
}
