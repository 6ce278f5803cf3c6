/** Your access tokens (bearer tokens for tools, acting as you): form, status, ordering. */
import type { AccessTokensQuery, CreateAccessTokenInput } from '../../../graphql/generated.js';

export type AccessToken = AccessTokensQuery['viewer']['accessTokens'][number];
export type AccessTokenStatus = 'active' | 'revoked' | 'expired';

export interface AccessTokenFormValues {
  name: string;
  /** yyyy-mm-dd, empty = never */
  expiresOn: string;
}

export const EMPTY_ACCESS_TOKEN_FORM: AccessTokenFormValues = { name: '', expiresOn: '' };
export type AccessTokenErrors = Partial<Record<keyof AccessTokenFormValues | 'form', string>>;

/** Expiry is the end of the chosen UTC day: a token "expiring on the 1st" works all of the 1st. */
export function parseAccessTokenForm(
  values: AccessTokenFormValues,
  now: Date = new Date(),
): { ok: true; input: CreateAccessTokenInput } | { ok: false; errors: AccessTokenErrors } {
  const errors: AccessTokenErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the token a name, e.g. the tool that uses it';
  else if (name.length > 120) errors.name = 'At most 120 characters';
  let expiresAt: string | null = null;
  if (values.expiresOn) {
    const end = Date.parse(`${values.expiresOn}T23:59:59.999Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.expiresOn) || Number.isNaN(end)) errors.expiresOn = 'Pick a date';
    else if (end <= now.getTime()) errors.expiresOn = 'Pick a date in the future';
    else expiresAt = new Date(end).toISOString();
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { name, ...(expiresAt ? { expiresAt } : {}) } };
}

export function accessTokenStatus(token: Pick<AccessToken, 'revokedAt' | 'expiresAt'>, now: Date = new Date()): AccessTokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** Active tokens first, newest first within each group. */
export function sortAccessTokens(tokens: readonly AccessToken[], now: Date = new Date()): AccessToken[] {
  const rank = (t: AccessToken) => (accessTokenStatus(t, now) === 'active' ? 0 : 1);
  return [...tokens].sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
}
