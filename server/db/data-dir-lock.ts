import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds an embedded data dir: a server, or a CLI command. */
export type DataDirHolder = 'server' | 'cli';

/** The embedded data dir is held by another live keyplane process. */
export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

const LOCK_FILE = 'keyplane.pid';

/**
 * Take the embedded data dir for this process before PGlite opens it. PGlite allows one process
 * per data dir: a second one crashes inside WebAssembly (a 166 KB dump and `Aborted()`), so the
 * holder's pid is written to `<dataDir>/keyplane.pid` and checked first. A file left by a
 * process that died is taken over. Returns the release function (call it once the database is
 * closed).
 */
export function lockDataDir(dataDir: string, holder: DataDirHolder): () => void {
  const path = join(dataDir, LOCK_FILE);
  const current = readHolder(path);
  if (current && current.pid !== process.pid && isAlive(current.pid)) {
    throw new DataDirBusyError(busyMessage(dataDir, current.holder, current.pid, holder));
  }
  writeFileSync(path, `${process.pid} ${holder}\n`, { mode: 0o600 });
  return () => {
    // Another process may have taken over a lock it found stale; never remove its file.
    if (readHolder(path)?.pid === process.pid) unlinkSync(path);
  };
}

function busyMessage(dataDir: string, heldBy: DataDirHolder, pid: number, wanted: DataDirHolder): string {
  const who = heldBy === 'server' ? 'a running keyplane server' : 'a running keyplane CLI command';
  const advice =
    wanted === 'server'
      ? 'stop it, or give this server its own KEYPLANE_DATA_DIR'
      : heldBy === 'server'
        ? 'stop it, or run this against DATABASE_URL'
        : 'wait for it to finish';
  return `The embedded database in ${dataDir} is in use by ${who} (pid ${pid}); ${advice}`;
}

function readHolder(path: string): { pid: number; holder: DataDirHolder } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const [pid, holder] = text.trim().split(/\s+/);
  const parsed = Number(pid);
  if (!Number.isInteger(parsed) || parsed <= 0) return null;
  return { pid: parsed, holder: holder === 'cli' ? 'cli' : 'server' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
