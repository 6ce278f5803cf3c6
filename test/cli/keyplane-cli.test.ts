/**
 * `npx keyplane …` as an operator runs it: a subprocess against an embedded database in
 * KEYPLANE_DATA_DIR. Between runs the test opens the same database to check the effects.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.js';
import { loadMigrationList } from '../../server/db/migrations.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { generateEncryptionKey, KeyRing } from '../../server/secrets/key-ring.js';
import { maskProviderKey } from '../../server/secrets/provider-key-format.js';
import { hashSecret } from '../../server/secrets/tokens.js';

// Schema engines and subprocesses take seconds each, far more on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const BIN = join(PROJECT_ROOT, 'bin', 'keyplane.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|KEYPLANE_|HOSTED_|PORT$|LOG_LEVEL$)/.test(name)),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...base, KEYPLANE_DATA_DIR: dataDir, ...env }, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The CLI's database, opened in-process between runs (PGlite allows one process at a time). */
async function withDatabase<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}

describe('keyplane CLI', () => {
  let operatorToken = '';
  const oldKey = generateEncryptionKey();
  const newKey = generateEncryptionKey();
  const plaintexts = { openai: `sk-CLICANARY${'x'.repeat(30)}`, anthropic: `sk-ant-CLICANARY${'y'.repeat(30)}` };

  it('migrate applies every migration to a fresh data dir, then has nothing to do', async () => {
    const first = await cli(['migrate']);
    expect(first.code, first.stderr).toBe(0);
    const names = loadMigrationList().migrationDirectories.map((d) => d.path);
    expect(first.stdout).toContain(`Applied ${names.length} migration(s)`);
    for (const name of names) expect(first.stdout).toContain(name);
    const second = await cli(['migrate']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('create-token --role OPERATOR prints a working operator token once, and generates the key file 0600', async () => {
    const run = await cli(['create-token', '--email', 'Ops@Example.test', '--role', 'operator', '--name', 'ci']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    operatorToken = lines.at(-1) as string;
    expect(operatorToken).toMatch(/^kpat_[0-9A-Za-z]{40}$/);
    expect(run.stdout.split(operatorToken)).toHaveLength(2);
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);

    const token = await withDatabase((db) =>
      db.prisma.accessToken.findUnique({ where: { tokenHash: hashSecret(operatorToken) }, include: { user: true } }),
    );
    expect(token).toMatchObject({ name: 'ci', revokedAt: null, user: { email: 'ops@example.test', isOperator: true } });
  });

  it('create-token refuses bad arguments with exit code 2 and a reason', async () => {
    const cases: [string[], RegExp][] = [
      [['create-token', '--email', 'a@example.test'], /needs --email and --role/],
      [['create-token', '--email', 'a@example.test', '--role', 'KING'], /--role must be/],
      [['create-token', '--email', 'a@example.test', '--role', 'ADMIN'], /needs --org/],
      [['create-token', '--email', 'a@example.test', '--role', 'ADMIN', '--org', 'nope'], /No organization with id nope/],
      [['no-such-command'], /unknown command/],
    ];
    // Only the last-but-one opens the database; the rest fail before, so they can run together.
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    runs.forEach((run, index) => {
      const [args, message] = cases[index] as [string[], RegExp];
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    });
  });

  it('refuses to run against DATABASE_URL without an encryption key, and names bad variables', async () => {
    const [noKey, badKey, badPort] = await Promise.all([
      cli(['create-token', '--email', 'a@example.test', '--role', 'OPERATOR'], { DATABASE_URL: 'postgresql://127.0.0.1:1/none' }),
      cli(['rotate-encryption-key'], { KEYPLANE_ENCRYPTION_KEY: 'dG9vLXNob3J0' }),
      cli(['migrate'], { PORT: 'SECRETPORT' }),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/KEYPLANE_ENCRYPTION_KEY is required when DATABASE_URL is set/);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/not 32 bytes/);
    expect(badKey.stderr).not.toContain('dG9vLXNob3J0');
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/PORT/);
    expect(badPort.stderr).not.toContain('SECRETPORT');
  });

  it('rotate-encryption-key re-encrypts every provider key and webhook secret with the first key of the ring', async () => {
    const oldRing = new KeyRing([oldKey]);
    const webhookSecret = 'whsec_rotation0123456789abcdefghijklm';
    // Rows as an older deployment sealed them, with the key that is about to be rotated out.
    await withDatabase(async (db) => {
      const org = await db.prisma.organization.create({ data: { name: 'Rotation Co', slug: 'rotation-co' } });
      for (const [provider, key] of Object.entries(plaintexts)) {
        await db.prisma.providerKey.create({
          data: { organizationId: org.id, provider, region: '', mask: maskProviderKey(key), ...oldRing.seal(key) },
        });
      }
      await db.prisma.webhook.create({
        data: { organizationId: org.id, url: 'https://hooks.example.test/in', events: ['credits.low'], ...oldRing.seal(webhookSecret) },
      });
    });

    const rotated = await cli(['rotate-encryption-key'], { KEYPLANE_ENCRYPTION_KEY: `${newKey},${oldKey}` });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('provider keys: 2 re-encrypted, 0 already on that key');
    expect(rotated.stdout).toContain('webhook signing secrets: 1 re-encrypted, 0 already on that key');
    expect(rotated.stderr).toContain('webhook signing secrets: 1/1');
    for (const secret of [oldKey, newKey, webhookSecret, ...Object.values(plaintexts)]) {
      expect(`${rotated.stdout}${rotated.stderr}`).not.toContain(secret);
    }

    const newOnly = new KeyRing([newKey]);
    await withDatabase(async (db) => {
      const rows = await db.prisma.providerKey.findMany();
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.keyVersion).toBe(newOnly.primaryVersion);
        expect(newOnly.open(row)).toBe(plaintexts[row.provider as keyof typeof plaintexts]);
        expect(() => oldRing.open(row)).toThrow();
      }
      const webhook = await db.prisma.webhook.findFirstOrThrow();
      expect(newOnly.open(webhook)).toBe(webhookSecret);
    });

    const again = await cli(['rotate-encryption-key'], { KEYPLANE_ENCRYPTION_KEY: `${newKey},${oldKey}` });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('provider keys: 0 re-encrypted, 2 already on that key');
    expect(again.stdout).toContain('webhook signing secrets: 0 re-encrypted, 1 already on that key');

    // A ring that lacks the key the rows were sealed with fails loudly and changes nothing.
    const stranger = generateEncryptionKey();
    const wrongRing = await cli(['rotate-encryption-key'], { KEYPLANE_ENCRYPTION_KEY: stranger });
    expect(wrongRing.code).toBe(2);
    expect(wrongRing.stderr).toMatch(/can decrypt/);
    expect(wrongRing.stderr).not.toContain(stranger);
    await withDatabase(async (db) => {
      const rows = await db.prisma.providerKey.findMany();
      expect(rows.every((row) => row.keyVersion === newOnly.primaryVersion)).toBe(true);
    });
  });
});
