import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Make the embedded data dir owner-only: it holds the whole database and the generated
 * encryption key. The umask is narrowed for this process, so what is created later is
 * owner-only; then one walk (about a thousand entries, milliseconds) fixes what exists. Call it
 * before the database opens and again once it was created and first used: PGlite unpacks a
 * new database, and writes its cache files on start, with modes that ignore the umask (0644). Call from the main
 * thread: a worker thread may not change the umask, but inherits it.
 */
export function secureDataDir(dir: string): void {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    chmodSync(current, 0o700);
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      // Keep the owner's bits, drop group's and others'; symlinks are left alone.
      else if (entry.isFile()) chmodSync(path, lstatSync(path).mode & 0o700);
    }
  }
}
