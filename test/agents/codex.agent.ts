import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant, usageOfProject } from '../gateway/support/tenant.js';

/**
 * Codex CLI (`npm i --prefix /tmp/agent-clis @openai/codex`, or `CODEX_BIN`) completing
 * `codex exec` through keyplane's /v1/responses: on OpenAI (pass-through) and on Anthropic (translated).
 */
const BIN = [process.env.CODEX_BIN, '/tmp/agent-clis/node_modules/.bin/codex'].find((path): path is string => !!path && existsSync(path));

function runCodex(model: string, baseUrl: string, key: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // A fresh CODEX_HOME whose one provider is keyplane, speaking Responses, with the gateway key from KEYPLANE_KEY.
  const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
  writeFileSync(
    join(home, 'config.toml'),
    [
      `model = ${JSON.stringify(model)}`,
      'model_provider = "keyplane"',
      '',
      '[model_providers.keyplane]',
      'name = "keyplane"',
      `base_url = ${JSON.stringify(`${baseUrl}/v1`)}`,
      'wire_api = "responses"',
      'env_key = "KEYPLANE_KEY"',
      '',
    ].join('\n'),
  );
  return new Promise((resolve) => {
    const child = spawn(BIN as string, ['exec', '--skip-git-repo-check', 'say hi'], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home, CODEX_HOME: home, KEYPLANE_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!BIN)('Codex through keyplane', () => {
  let g: GatewayEnv;
  let tenant: Tenant;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: fakeKey('openai'), ANTHROPIC_API_KEY: fakeKey('anthropic') });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(() => g?.close());

  it.each([
    ['openai/gpt-4o-mini (passed through to OpenAI)', 'openai/gpt-4o-mini', 'openai'],
    ['anthropic/claude-haiku-4-5 (translated)', 'anthropic/claude-haiku-4-5', 'anthropic'],
  ])('codex exec "say hi" on %s', async (_name, model, provider) => {
    g.sim.clearRequests();
    const before = (await usageOfProject(g.t, tenant.projectId)).length;
    const result = await runCodex(model, g.t.url, tenant.secret);
    const summary = {
      code: result.code,
      stdout: result.stdout.slice(-2000),
      stderr: result.stderr.slice(-2000),
      upstream: g.sim.requests.map((r) => `${r.provider} ${r.path} ${r.model} stream=${r.stream}`),
    };
    expect(result.code, JSON.stringify(summary, null, 2)).toBe(0);
    // Codex offers tools, so the simulator calls get_weather first; Codex answers the call (it has no such
    // tool) and the second turn ends the loop in text: a full function-call round trip through keyplane.
    expect(result.stdout, JSON.stringify(summary, null, 2)).toMatch(/^Done: /m);
    expect(g.sim.requests.filter((request) => request.provider === provider).length).toBeGreaterThanOrEqual(2);
    const rows = (await usageOfProject(g.t, tenant.projectId)).slice(before);
    expect(
      rows.some((row) => row.provider === provider && row.status === 'SUCCESS'),
      JSON.stringify(summary, null, 2),
    ).toBe(true);
  });
});
