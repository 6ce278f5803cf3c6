/** The token an invitation link carries in its fragment (`/accept-invitation#token=…`), or null. */
export function invitationToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null;
}
