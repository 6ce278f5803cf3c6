import { createHash, hash, randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Uniformly random base62 (randomInt avoids modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE62[randomInt(62)];
  return out;
}

/**
 * Secrets are high-entropy, so one SHA-256 is the right hash: lookups stay an index hit.
 * One-shot `hash` (every gateway request hashes its key): a third of createHash's time.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function newGatewayKeySecret(): string {
  return `kp_${randomBase62(40)}`;
}

export function newAccessTokenSecret(): string {
  return `kpat_${randomBase62(40)}`;
}

export function newInvitationSecret(): string {
  return `kpinv_${randomBase62(40)}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The part of a secret safe to show in lists: its type prefix and a few characters. */
export function secretPrefix(secret: string, visible = 6): string {
  const underscore = secret.indexOf('_');
  return secret.slice(0, underscore + 1 + visible);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scrypt(password, salt, 64, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${derived.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const derived = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(derived, expected);
}

/** Constant-time equality of two secrets; hashing first hides their lengths as well. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}
