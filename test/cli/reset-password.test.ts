/** `npx keyplane reset-password`: how operators reset passwords now that links never do. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { verifyPassword } from '../../server/secrets/tokens.js';

vi.setConfig({ testTimeout: 180_000 });

const BIN = join(PROJECT_ROOT, 'bin', 'keyplane.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-reset-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|KEYPLANE_|HOSTED_|PORT$|LOG_LEVEL$)/.test(name)),
  );
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...env, KEYPLANE_DATA_DIR: dataDir }, timeout: 150_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

async function passwordWorks(email: string, password: string): Promise<boolean> {
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  try {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    return verifyPassword(password, user.passwordHash ?? '');
  } finally {
    await db.close();
  }
}

/** The account's access tokens still in force. */
async function liveTokens(email: string): Promise<number> {
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  try {
    return await db.prisma.accessToken.count({ where: { user: { email }, revokedAt: null } });
  } finally {
    await db.close();
  }
}

describe('keyplane reset-password', () => {
  it('prints a generated password once, or takes one from stdin; unknown accounts are named', async () => {
    expect((await cli(['create-token', '--email', 'ops@example.test', '--role', 'OPERATOR'])).code).toBe(0);
    const generated = await cli(['reset-password', '--email', 'ops@example.test']);
    expect(generated.code, generated.stderr).toBe(0);
    const password = generated.stdout.trim().split('\n').at(-1) ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await passwordWorks('ops@example.test', password)).toBe(true);
    // A token minted before the reset (by whoever had the old password) does not outlive it.
    expect(generated.stdout).toContain('1 access token(s) revoked');
    expect(await liveTokens('ops@example.test')).toBe(0);

    const chosen = await cli(['reset-password', '--email', 'ops@example.test', '--password-stdin'], 'chosen-password-123\n');
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stdout).not.toContain('chosen-password-123');
    expect(await passwordWorks('ops@example.test', 'chosen-password-123')).toBe(true);

    const unknown = await cli(['reset-password', '--email', 'nobody@example.test']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('nobody@example.test not found')]);
  });
});
