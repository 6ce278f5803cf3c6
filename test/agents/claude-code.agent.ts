import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant, usageOfProject } from '../gateway/support/tenant.js';
import { type CliResult, runCli } from './run-cli.js';

/**
 * Claude Code (`npm i --prefix /tmp/agent-clis @anthropic-ai/claude-code`, or `CLAUDE_CODE_BIN`)
 * completing `claude -p` through keyplane: on Anthropic (pass-through) and on OpenAI (translated).
 */
const BIN = [process.env.CLAUDE_CODE_BIN, '/tmp/agent-clis/node_modules/.bin/claude'].find(
  (path): path is string => !!path && existsSync(path),
);

function runClaude(args: string[], env: Record<string, string>): Promise<CliResult> {
  const home = mkdtempSync(join(tmpdir(), 'claude-home-'));
  return runCli(BIN as string, args, {
    env: {
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      ...env,
    },
  });
}

describe.skipIf(!BIN)('Claude Code through keyplane', () => {
  let g: GatewayEnv;
  let tenant: Tenant;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: fakeKey('openai'), ANTHROPIC_API_KEY: fakeKey('anthropic') });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(() => g?.close());

  it.each([
    ['its default Claude model (passed through to Anthropic)', [], 'anthropic'],
    ['--model openai/gpt-4o-mini (translated)', ['--model', 'openai/gpt-4o-mini'], 'openai'],
  ])('claude -p "say hi" on %s', async (_name, extraArgs, provider) => {
    g.sim.clearRequests();
    const before = (await usageOfProject(g.t, tenant.projectId)).length;
    const result = await runClaude(['-p', 'say hi', ...extraArgs], {
      ANTHROPIC_BASE_URL: g.t.url,
      ANTHROPIC_AUTH_TOKEN: tenant.secret,
    });
    const upstream = g.sim.requests.filter((request) => request.provider === provider);
    // What the CLI sent and got, for the report when it fails.
    const summary = {
      code: result.code,
      stdout: result.stdout.slice(-2000),
      stderr: result.stderr.slice(-2000),
      upstream: g.sim.requests.map((r) => `${r.provider} ${r.path} ${r.model} stream=${r.stream}`),
    };
    // Agent runs are for people checking a CLI by hand: show what it printed and what went upstream.
    console.info(JSON.stringify(summary, null, 2));
    expect(result.code, JSON.stringify(summary, null, 2)).toBe(0);
    expect(result.stdout.trim().length).toBeGreaterThan(0);
    expect(upstream.length, JSON.stringify(summary, null, 2)).toBeGreaterThan(0);
    const rows = (await usageOfProject(g.t, tenant.projectId)).slice(before);
    expect(rows.some((row) => row.provider === provider && row.status === 'SUCCESS' && row.endpoint === 'anthropic-messages')).toBe(true);
  });
});
