/**
 * The README's first ten minutes, as a new user runs them: `npx keyplane quickstart` on a fresh
 * data dir, the simulator on the port it names, the server started with the env line it
 * printed, and the printed curl answers 200.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../server/paths.js';
import { startUpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { freePort, startServerProcess } from '../support/server-process.js';

vi.setConfig({ testTimeout: 240_000 });

const BIN = join(PROJECT_ROOT, 'bin', 'keyplane.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-quickstart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function quickstart(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|KEYPLANE_|HOSTED_|[A-Z]+_API_KEY|[A-Z]+_BASE_URL|PORT$)/.test(name)),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'quickstart', ...args],
      { env: { ...base, KEYPLANE_DATA_DIR: dataDir }, timeout: 180_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('keyplane quickstart', () => {
  it('leaves a project and a gateway key; the printed steps give a 200', async () => {
    const simulatorPort = await freePort();
    const first = await quickstart(['--simulator-port', String(simulatorPort)]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = first.stdout;
    expect(out).toContain('in API_KEYS mode');
    expect(out).toContain('npm run simulate');
    const secret = out.match(/^ {2}(kp_[A-Za-z0-9]{40})$/m)?.[1];
    expect(secret, out).toBeDefined();
    const startLine = out.match(/^ +((?:[A-Z_]+=\S+ )+)npm start$/m)?.[1];
    expect(startLine, out).toBe(`OPENAI_BASE_URL=http://127.0.0.1:${simulatorPort}/openai/v1 `);
    const env = Object.fromEntries(
      startLine
        ?.trim()
        .split(' ')
        .map((pair) => pair.split('=', 2) as [string, string]) ?? [],
    );
    const body = out.match(/-d '(\{.*\})'$/m)?.[1];
    expect(body, out).toBeDefined();

    const simulator = await startUpstreamSimulator({ port: simulatorPort });
    const server = await startServerProcess({ ...env, KEYPLANE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    try {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(response.headers.get('x-keyplane-key-source')).toBe('byok');
      expect(JSON.parse(text).choices[0].message.content).toEqual(expect.any(String));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await simulator.close();
    }

    // Run again: the same organization and project, a new gateway key.
    const second = await quickstart(['--simulator-port', String(simulatorPort)]);
    expect(second.code).toBe(0);
    const organization = (text: string) => text.match(/Organization "Quickstart" \((\S+)\)/)?.[1];
    expect(organization(second.stdout)).toBe(organization(out));
    expect(second.stdout).not.toContain(secret);
    expect(second.stdout).not.toContain('Created the operator account');
  });
});
