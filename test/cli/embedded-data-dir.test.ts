/**
 * The embedded mode as an operator runs it (real server processes and the real CLI on one
 * KEYPLANE_DATA_DIR): the data dir is owner-only, and `rotate-encryption-key` rotates the
 * generated key file, so a restart without KEYPLANE_ENCRYPTION_KEY still opens every BYOK key.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../server/paths.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { fakeKey } from '../gateway/support/tenant.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

// Two server starts and a CLI run, each seconds long on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

const ADMIN_TOKEN = `data-dir-admin-${'a'.repeat(20)}`;
const BYOK = fakeKey('openai', 'rotation');

/** Entries under `dir` (itself included) that group or others may read, write or enter. */
function exposedEntries(dir: string): string[] {
  const exposed: string[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (statSync(current).mode & 0o077) exposed.push(`${relative(dir, current) || '.'}/`);
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (statSync(path).mode & 0o077) exposed.push(relative(dir, path));
    }
  }
  return exposed;
}

describe('embedded data dir', () => {
  let dataDir: string;
  let sim: UpstreamSimulator;
  let env: Record<string, string>;

  const stop = async (server: ServerProcess) => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  };

  async function gql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  async function chat(url: string, secret: string) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    return { status: response.status, text: await response.text(), keySource: response.headers.get('x-keyplane-key-source') };
  }

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(PROJECT_ROOT, 'bin', 'keyplane.mjs'), ...args],
        { env: { ...process.env, ...env }, timeout: 200_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        },
      );
    });
  }

  beforeAll(async () => {
    // A data dir as an older version left it: world-readable dir, file and subdirectory.
    dataDir = mkdtempSync(join(tmpdir(), 'keyplane-embedded-'));
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'backups'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'backups', 'notes.txt'), 'old\n', { mode: 0o644 });
    chmodSync(join(dataDir, 'backups', 'notes.txt'), 0o644);
    sim = await startUpstreamSimulator();
    // Embedded mode with the generated key file: no DATABASE_URL, no KEYPLANE_ENCRYPTION_KEY.
    env = {
      ...sim.env(),
      KEYPLANE_DATA_DIR: dataDir,
      KEYPLANE_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: '',
      KEYPLANE_ENCRYPTION_KEY: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is owner-only after a start, and rotate-encryption-key keeps BYOK keys working across a restart without the variable', async () => {
    const first = await startServerProcess(env);
    let secret: string;
    try {
      expect(exposedEntries(dataDir)).toEqual([]);
      const { createOrganization: org } = await gql<{ createOrganization: { id: string } }>(
        first.url,
        'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
        { i: { name: 'Embedded Co' } },
      );
      const { createProject: project } = await gql<{ createProject: { id: string } }>(
        first.url,
        'mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }',
        {
          i: { organizationId: org.id, name: 'app', mode: 'API_KEYS' },
        },
      );
      await gql(first.url, 'mutation($i: SetProviderKeyInput!) { setProviderKey(input: $i) { id } }', {
        i: { organizationId: org.id, provider: 'openai', key: BYOK },
      });
      const { createGatewayKey: key } = await gql<{ createGatewayKey: { secret: string } }>(
        first.url,
        'mutation($i: CreateGatewayKeyInput!) { createGatewayKey(input: $i) { secret } }',
        {
          i: { projectId: project.id, name: 'k' },
        },
      );
      secret = key.secret;
      const before = await chat(first.url, secret);
      expect(before.status, before.text).toBe(200);
      expect(before.keySource).toBe('byok');
    } finally {
      await stop(first);
    }
    expect(exposedEntries(dataDir)).toEqual([]);

    const keyFile = join(dataDir, 'encryption.key');
    const oldKeys = readFileSync(keyFile, 'utf8').trim().split('\n');
    expect(oldKeys).toHaveLength(1);
    const rotated = await cli(['rotate-encryption-key']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('provider keys: 1 re-encrypted, 0 already on that key');
    const newKeys = readFileSync(keyFile, 'utf8').trim().split('\n');
    expect(newKeys).toHaveLength(1);
    expect(newKeys[0]).not.toBe(oldKeys[0]);
    expect(`${rotated.stdout}${rotated.stderr}`).not.toContain(newKeys[0]);
    expect(`${rotated.stdout}${rotated.stderr}`).not.toContain(oldKeys[0]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const second = await startServerProcess(env);
    try {
      const after = await chat(second.url, secret);
      expect(after.status, after.text).toBe(200);
      expect(after.keySource).toBe('byok');
      expect(sim.requests.at(-1)?.apiKey).toBe(BYOK);
      const ready = await fetch(`${second.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', encryption: { ok: true } });
    } finally {
      await stop(second);
    }
    expect(exposedEntries(dataDir)).toEqual([]);
  });
});
