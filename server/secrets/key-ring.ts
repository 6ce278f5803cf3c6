import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_FILE, readKeyFile, writeKeyFile } from './key-file.js';

/** One stored secret: AES-256-GCM output plus the fingerprint of the key that made it. */
export interface Sealed {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
  keyVersion: string;
}

interface RingKey {
  version: string;
  key: Buffer;
}

export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

/**
 * Encryption keys for stored secrets (every table in SEALED_TABLES). The first key encrypts;
 * every key decrypts, so a new key can be put in front and rows re-encrypted
 * (`keyplane rotate-encryption-key`).
 */
export class KeyRing {
  private readonly keys: RingKey[];

  constructor(base64Keys: readonly string[]) {
    if (base64Keys.length === 0) throw new KeyRingError('The encryption key ring is empty');
    this.keys = base64Keys.map((encoded, index) => {
      const key = Buffer.from(encoded.trim(), 'base64');
      if (key.length !== 32) {
        throw new KeyRingError(`KEYPLANE_ENCRYPTION_KEY entry ${index + 1} is not 32 bytes of base64 (got ${key.length} bytes)`);
      }
      return { version: fingerprint(key), key };
    });
  }

  /** Parse KEYPLANE_ENCRYPTION_KEY's comma-separated form. */
  static fromEnv(value: string): KeyRing {
    return new KeyRing(value.split(',').filter((part) => part.trim() !== ''));
  }

  get primaryVersion(): string {
    return this.keys[0]!.version;
  }

  /** Whether data sealed with the key of this fingerprint can be opened. */
  canOpen(keyVersion: string): boolean {
    return this.keys.some((entry) => entry.version === keyVersion);
  }

  /**
   * A secret for another purpose (e.g. keyed hashes), derived from the first key with HMAC
   * under `label`: nothing new to configure, the same on every instance and restart.
   */
  derive(label: string): Buffer {
    return createHmac('sha256', this.keys[0]!.key).update(label).digest();
  }

  seal(plaintext: string): Sealed {
    const { key, version } = this.keys[0]!;
    const iv = new Uint8Array(randomBytes(12));
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]));
    return { ciphertext, iv, authTag: new Uint8Array(cipher.getAuthTag()), keyVersion: version };
  }

  open(sealed: { ciphertext: Uint8Array; iv: Uint8Array; authTag: Uint8Array; keyVersion: string }): string {
    const entry = this.keys.find((candidate) => candidate.version === sealed.keyVersion);
    if (!entry) throw new KeyRingError(`No key in KEYPLANE_ENCRYPTION_KEY can decrypt data sealed with key ${sealed.keyVersion}`);
    const decipher = createDecipheriv('aes-256-gcm', entry.key, sealed.iv);
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}

/** A short public id for a key (not the key): lets rows say which key sealed them. */
function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The key ring for this process. Embedded mode generates a key once into the data dir (0600),
 * whose key file `keyplane rotate-encryption-key` later rotates;
 * against a PostgreSQL server a key must be configured, because a key generated on one
 * instance's disk would leave every other instance unable to decrypt.
 */
export function resolveKeyRing(options: { encryptionKey: string | undefined; databaseUrl: string | undefined; dataDir: string }): KeyRing {
  if (options.encryptionKey) return KeyRing.fromEnv(options.encryptionKey);
  if (options.databaseUrl) {
    throw new KeyRingError(
      'KEYPLANE_ENCRYPTION_KEY is required when DATABASE_URL is set. Generate one with: ' +
        `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  let keys = readKeyFile(options.dataDir);
  if (!keys) {
    keys = [generateEncryptionKey()];
    writeKeyFile(options.dataDir, keys);
  }
  chmodSync(join(options.dataDir, KEY_FILE), 0o600);
  return new KeyRing(keys);
}
