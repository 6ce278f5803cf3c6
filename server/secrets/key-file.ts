import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded mode's generated key ring: `encryption.key` in the data dir, one base64 key per
 * line, the first encrypting. Kept 0600 and only ever replaced whole (write, fsync, rename),
 * so a crash leaves either the old file or the new one, never a torn one.
 */
export const KEY_FILE = 'encryption.key';

/** The keys in the data dir's key file, or undefined when there is none. */
export function readKeyFile(dataDir: string): string[] | undefined {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) return undefined;
  // Commas too: a ring pasted from KEYPLANE_ENCRYPTION_KEY reads the same.
  return readFileSync(file, 'utf8')
    .split(/[\s,]+/)
    .filter((part) => part !== '');
}

/** Replace the key file atomically with `keys` (first encrypts). */
export function writeKeyFile(dataDir: string, keys: readonly string[]): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, KEY_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${keys.join('\n')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  // The rename itself is durable only once the directory is synced.
  const dir = openSync(dataDir, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
