import { createHmac } from 'node:crypto';
import type { KeyRing } from './key-ring.js';

/** Names a caller's `x-provider-api-key` in usage records and cooldown state without keeping it. */
export type CallerKeyRef = (secret: string) => string;

/**
 * A keyed hash (HMAC-SHA256 under a secret derived from the encryption key ring): an unsalted
 * digest of a key could be checked against a guessed or leaked key by anyone who reads usage.
 */
export function callerKeyRefs(keyRing: KeyRing): CallerKeyRef {
  const secret = keyRing.derive('keyplane caller key reference v1');
  return (key) => `user:${createHmac('sha256', secret).update(key).digest('hex').slice(0, 16)}`;
}
