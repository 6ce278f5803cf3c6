/**
 * One process per embedded data dir: while a server holds it, the CLI and a second server stop
 * with one line naming the holder's pid (never PGlite's crash dump), and work again once it stops.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../server/paths.js';
import { startServerProcess } from '../support/server-process.js';

vi.setConfig({ testTimeout: 240_000 });

const BIN = join(PROJECT_ROOT, 'bin', 'keyplane.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-busy-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = { KEYPLANE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', KEYPLANE_ADMIN_TOKEN: `busy-admin-${'b'.repeat(20)}` };

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|KEYPLANE_|PORT$)/.test(name)));
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...base, ...env }, timeout: 180_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('a busy embedded data dir', () => {
  it('stops the CLI and a second server with one line while a server holds it', async () => {
    const server = await startServerProcess(env);
    try {
      const pid = server.child.pid;
      expect(existsSync(join(dataDir, 'keyplane.pid'))).toBe(true);

      const cli = await run([BIN, 'create-token', '--email', 'ops@example.test', '--role', 'OPERATOR']);
      expect(cli.code).toBe(2);
      expect(cli.stdout).toBe('');
      expect(cli.stderr.trim().split('\n')).toEqual([
        `keyplane create-token: The embedded database in ${dataDir} is in use by a running keyplane server (pid ${pid}); stop it, or run this against DATABASE_URL`,
      ]);

      const second = await run(['--import', 'tsx', 'server/main.ts']);
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toBe(
        `keyplane: The embedded database in ${dataDir} is in use by a running keyplane server (pid ${pid}); stop it, or give this server its own KEYPLANE_DATA_DIR`,
      );
      // The running server was not disturbed.
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
    expect(existsSync(join(dataDir, 'keyplane.pid'))).toBe(false);

    const after = await run([BIN, 'create-token', '--email', 'ops@example.test', '--role', 'OPERATOR']);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(existsSync(join(dataDir, 'keyplane.pid'))).toBe(false);
  });

  it('takes over a lock file left by a process that died', async () => {
    // A pid far above any live process's (Linux pid_max is at most 2^22).
    writeFileSync(join(dataDir, 'keyplane.pid'), '99999999 server\n');
    const cli = await run([BIN, 'migrate']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(existsSync(join(dataDir, 'keyplane.pid'))).toBe(false);
  });
});
