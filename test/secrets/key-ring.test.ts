import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey, KeyRing, KeyRingError, resolveKeyRing } from '../../server/secrets/key-ring.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-keyring-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'sk-ant-LEAKCANARY-0123456789abcdefghij';

describe('KeyRing', () => {
  it('seals with AES-256-GCM and opens back, with a fresh IV each time', () => {
    const ring = new KeyRing([generateEncryptionKey()]);
    const a = ring.seal(SECRET);
    const b = ring.seal(SECRET);
    expect(a.iv).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
    expect(Buffer.from(a.ciphertext).toString('utf8')).not.toContain('LEAKCANARY');
    expect(a.keyVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(ring.open(a)).toBe(SECRET);
    expect(ring.open(b)).toBe(SECRET);
    expect(ring.open(ring.seal(''))).toBe('');
    expect(ring.open(ring.seal('ünïcødé 🔑'))).toBe('ünïcødé 🔑');
  });

  it('refuses tampered ciphertext, IV or tag', () => {
    const ring = new KeyRing([generateEncryptionKey()]);
    const sealed = ring.seal(SECRET);
    for (const part of ['ciphertext', 'iv', 'authTag'] as const) {
      const copy = { ...sealed, [part]: Uint8Array.from(sealed[part]) };
      copy[part][0] = (copy[part][0] as number) ^ 1;
      expect(() => ring.open(copy), part).toThrow();
    }
  });

  it('rotates: the first key encrypts, every key decrypts, a dropped key cannot', () => {
    const oldKey = generateEncryptionKey();
    const newKey = generateEncryptionKey();
    const before = new KeyRing([oldKey]);
    const sealedOld = before.seal(SECRET);

    const rotated = KeyRing.fromEnv(` ${newKey} , ${oldKey} ,`);
    expect(rotated.primaryVersion).not.toBe(before.primaryVersion);
    expect(rotated.open(sealedOld)).toBe(SECRET);
    const sealedNew = rotated.seal(SECRET);
    expect(sealedNew.keyVersion).toBe(rotated.primaryVersion);
    expect(new KeyRing([newKey]).open(sealedNew)).toBe(SECRET);

    const withoutOld = new KeyRing([newKey]);
    expect(() => withoutOld.open(sealedOld)).toThrow(KeyRingError);
    expect(() => withoutOld.open(sealedOld)).toThrow(sealedOld.keyVersion);
  });

  it('rejects keys that are not 32 bytes, naming the entry but not echoing it', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const error = (() => {
      try {
        KeyRing.fromEnv(`${generateEncryptionKey()},${short}`);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a KeyRingError');
    })();
    expect(error).toBeInstanceOf(KeyRingError);
    expect(error.message).toMatch(/entry 2 is not 32 bytes.*got 16 bytes/);
    expect(error.message).not.toContain(short);
    expect(() => new KeyRing([])).toThrow(/empty/);
    expect(() => KeyRing.fromEnv(' , ')).toThrow(/empty/);
    expect(() => KeyRing.fromEnv('not base64 at all!!')).toThrow(KeyRingError);
  });
});

describe('resolveKeyRing', () => {
  it('embedded mode generates one key into the data dir, mode 0600, and reuses it', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = resolveKeyRing({ encryptionKey: undefined, databaseUrl: undefined, dataDir });
    const file = join(dataDir, 'encryption.key');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const sealed = first.seal(SECRET);
    const second = resolveKeyRing({ encryptionKey: undefined, databaseUrl: undefined, dataDir });
    expect(second.primaryVersion).toBe(first.primaryVersion);
    expect(second.open(sealed)).toBe(SECRET);
  });

  it('uses KEYPLANE_ENCRYPTION_KEY when given, writing nothing', () => {
    const dataDir = tempDir();
    const key = generateEncryptionKey();
    const ring = resolveKeyRing({ encryptionKey: key, databaseUrl: 'postgres://db/x', dataDir });
    expect(ring.primaryVersion).toBe(new KeyRing([key]).primaryVersion);
    expect(existsSync(join(dataDir, 'encryption.key'))).toBe(false);
  });

  it('refuses DATABASE_URL without a key, saying what to set and how', () => {
    const dataDir = tempDir();
    const attempt = () => resolveKeyRing({ encryptionKey: undefined, databaseUrl: 'postgres://user:pw@db/x', dataDir });
    expect(attempt).toThrow(KeyRingError);
    expect(attempt).toThrow(/KEYPLANE_ENCRYPTION_KEY is required when DATABASE_URL is set/);
    expect(attempt).toThrow(/randomBytes\(32\)/);
    expect(existsSync(join(dataDir, 'encryption.key'))).toBe(false);
  });
});
