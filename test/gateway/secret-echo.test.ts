/**
 * Upstreams echo the key they were sent — whole, masked, cut — in JSON and text error bodies,
 * in stream chunks that are not JSON and in SSE error events. For every key source (hosted,
 * env, BYOK, the caller's header, a custom provider's key) and every provider's key shape, and
 * for keys with no known prefix, no 8-character run of a key reaches the client, the SSE
 * frames, the usage records, the request log in GraphQL or the server log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_KEY_REF } from '../../server/domain/usage/platform-key-view.js';
import { randomBase62 } from '../../server/secrets/tokens.js';
import type { EchoVia } from '../../tools/simulator/upstream-simulator.js';
import { seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { chat, createTenant, type GatewayEnv, sseData, startGatewayEnv, type Tenant, usageOfProject } from './support/tenant.js';

const hex = (length: number) => randomBytes(length).toString('hex').slice(0, length);
/** Each provider's real key shape (Mistral and Together have no prefix). */
const SHAPES: Record<string, () => string> = {
  openai: () => `sk-proj-${randomBase62(48)}`,
  anthropic: () => `sk-ant-api03-${randomBase62(80)}AA`,
  google: () => `AIza${randomBase62(35)}`,
  mistral: () => randomBase62(32),
  groq: () => `gsk_${randomBase62(52)}`,
  together: () => hex(64),
  fireworks: () => `fw_${randomBase62(24)}`,
  deepseek: () => `sk-${hex(32)}`,
};
const PROVIDERS = Object.keys(SHAPES);
const POOLED = ['openai', 'mistral', 'google', 'together'];
const LEGACY = ['anthropic', 'groq', 'fireworks', 'deepseek'];
const envName = (provider: string) => `${provider.toUpperCase()}_API_KEY`;
/** A catalog model each provider serves, pinned to that provider. */
const MODEL: Record<string, string> = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-haiku-4-5',
  google: 'google/gemini-2.0-flash',
  mistral: 'mistral/mistral-small',
  groq: 'groq/llama-3.3-70b',
  together: 'together/llama-3.3-70b',
  fireworks: 'fireworks/gpt-oss-120b',
  deepseek: 'deepseek/deepseek-v3',
};

const POOL_KEYS = Object.fromEntries(POOLED.map((p) => [`${envName(p)}_1`, SHAPES[p]!()]));
const LEGACY_KEYS = Object.fromEntries(LEGACY.map((p) => [envName(p), SHAPES[p]!()]));
const BYOK_KEYS = Object.fromEntries(PROVIDERS.map((p) => [p, SHAPES[p]!()]));
// Callers' header keys are never checked for shape: no known prefix at all.
const HEADER_KEYS = Object.fromEntries(PROVIDERS.map((p) => [p, randomBase62(40)]));
const CUSTOM_KEY = `lab.${randomBase62(36)}`;

interface Target {
  label: string;
  secret: string;
  model: string;
  tenant: () => Tenant;
  headers?: Record<string, string>;
}

/** Every key that could be echoed, and every run of 8 of its characters. */
function fragments(secret: string): string[] {
  const runs = [];
  for (let i = 0; i + 8 <= secret.length; i++) runs.push(secret.slice(i, i + 8));
  return [secret, ...runs, `${secret.slice(0, 6)}...`, `****${secret.slice(-4)}`, `...${secret.slice(-4)}`];
}

describe.each(availableBackends())('upstream echoes of keys on %s', (backend) => {
  let g: GatewayEnv;
  let platform: Tenant;
  let keyed: Tenant;
  const targets: Target[] = [];
  const sseBodies: string[] = [];

  beforeAll(async () => {
    g = await startGatewayEnv(backend, { ...POOL_KEYS, ...LEGACY_KEYS, HOSTED_KEY_LLM: 'true', KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true' });
    platform = await createTenant(g.t, { mode: 'CREDITS', credits: '100' });
    keyed = await createTenant(g.t, { mode: 'API_KEYS', byok: BYOK_KEYS });
    await g.t.gqlOk('mutation($i:SetCustomProviderInput!){ setCustomProvider(input:$i) { slug } }', {
      i: { organizationId: keyed.organizationId, slug: 'lab', name: 'Lab', baseUrl: g.sim.baseUrl('custom'), models: ['llama3'] },
    });
    await g.t.gqlOk('mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id } }', {
      input: { organizationId: keyed.organizationId, provider: 'lab', key: CUSTOM_KEY },
    });
    for (const provider of POOLED)
      targets.push({
        label: `hosted ${provider}`,
        secret: POOL_KEYS[`${envName(provider)}_1`]!,
        model: MODEL[provider]!,
        tenant: () => platform,
      });
    for (const provider of LEGACY)
      targets.push({ label: `env ${provider}`, secret: LEGACY_KEYS[envName(provider)]!, model: MODEL[provider]!, tenant: () => platform });
    for (const provider of PROVIDERS) {
      targets.push({ label: `byok ${provider}`, secret: BYOK_KEYS[provider]!, model: MODEL[provider]!, tenant: () => keyed });
      targets.push({
        label: `header ${provider}`,
        secret: HEADER_KEYS[provider]!,
        model: MODEL[provider]!,
        tenant: () => keyed,
        headers: { 'x-provider-api-key': HEADER_KEYS[provider]! },
      });
    }
    targets.push({ label: 'custom provider', secret: CUSTOM_KEY, model: 'lab/llama3', tenant: () => keyed });
  }, 60_000);
  afterAll(() => g?.close());

  const paths: [EchoVia, number | undefined][] = [
    ['json', 400],
    ['text', 400],
    ['stream-chunk', undefined],
    ['sse-error', undefined],
    // Last: a 401 disables platform and stored keys.
    ['json', 401],
  ];

  it('every echo path, every key source: the upstream saw the key and the client got an error without it', async () => {
    for (const [via, status] of paths) {
      for (const target of targets) {
        g.sim.setKeyBehavior(target.secret, { kind: 'echo-key', via, ...(status ? { status } : {}), times: 1 });
        g.sim.clearRequests();
        const stream = via === 'stream-chunk' || via === 'sse-error';
        const result = await chat(g.t, target.tenant().secret, { model: target.model, stream }, target.headers);
        const where = `${target.label} via ${via} ${status ?? ''}`;
        expect(
          g.sim.requests.map((r) => r.apiKey),
          `${where}: ${result.status} ${result.text.slice(0, 300)}`,
        ).toContain(target.secret);
        if (stream && result.status === 200) {
          sseBodies.push(result.text);
          const frames = sseData(result.text);
          expect(
            frames.some((frame) => frame.includes('[redacted]')),
            `${where}: ${result.text.slice(-300)}`,
          ).toBe(true);
        } else {
          expect(result.status, where).toBeGreaterThanOrEqual(400);
          // After a 401 the pool's answer ("every hosted key is disabled") may be the last word.
          if (status !== 401) expect(result.json?.error?.message, where).toMatch(/\[redacted\]/);
        }
        g.sim.clearKeyBehaviors();
      }
    }
    // The mid-stream paths did reach the client as SSE error events.
    expect(sseBodies.length).toBeGreaterThanOrEqual(targets.length);
  }, 120_000);

  it('no run of 8 characters of any key is in responses, SSE frames, usage records, the request log or the server log', async () => {
    const member = await seedUser(g.t, keyed.organizationId, 'MEMBER');
    const logs = await g.t.gqlOk<{ requestLogs: { nodes: unknown[] } }>(
      'query($f: UsageFilterInput) { requestLogs(filter: $f, first: 200) { nodes { keyRef errorMessage routing failureClass } } }',
      { f: { organizationId: keyed.organizationId } },
      member.token,
    );
    expect(logs.requestLogs.nodes.length).toBeGreaterThan(50);
    const rows = [...(await usageOfProject(g.t, platform.projectId)), ...(await usageOfProject(g.t, keyed.projectId))];
    expect(rows.filter((row) => row.errorMessage?.includes('[redacted]')).length).toBeGreaterThan(100);
    const corpus: [string, string][] = [
      ['responses', g.t.responses.join('\n')],
      ['sse frames', sseBodies.join('\n')],
      ['usage records', JSON.stringify(rows)],
      ['server log', g.t.logs.join('\n')],
    ];
    const leaks: string[] = [];
    for (const target of targets) {
      for (const fragment of fragments(target.secret)) {
        for (const [where, text] of corpus) if (text.includes(fragment)) leaks.push(`${target.label}: "${fragment}" in ${where}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('tenants see platform keys as "platform", operators by env name; caller keys by a keyed hash', async () => {
    const member = await seedUser(g.t, platform.organizationId, 'MEMBER');
    const query = 'query($f: UsageFilterInput) { requestLogs(filter: $f, first: 200) { nodes { keySource keyRef routing } } }';
    const asTenant = await g.t.gqlOk<{ requestLogs: { nodes: { keySource: string; keyRef: string }[] } }>(
      query,
      { f: { organizationId: platform.organizationId } },
      member.token,
    );
    expect(new Set(asTenant.requestLogs.nodes.map((n) => n.keyRef))).toEqual(new Set([PLATFORM_KEY_REF]));
    expect(JSON.stringify(asTenant)).not.toMatch(/_API_KEY/);
    const asOperator = await g.t.gqlOk<{ requestLogs: { nodes: { keyRef: string }[] } }>(query, {
      f: { organizationId: platform.organizationId },
    });
    expect(asOperator.requestLogs.nodes.map((n) => n.keyRef)).toContain('OPENAI_API_KEY_1');
    expect(asOperator.requestLogs.nodes.map((n) => n.keyRef)).toContain('ANTHROPIC_API_KEY');

    const report = 'query($f: UsageFilterInput) { usage(filter: $f, groupBy: [PROVIDER_KEY]) { groups { keyRef keyLabel requests } } }';
    const tenantUsage = await g.t.gqlOk<{ usage: { groups: { keyRef: string; keyLabel: string; requests: number }[] } }>(
      report,
      { f: { organizationId: platform.organizationId } },
      member.token,
    );
    expect(tenantUsage.usage.groups).toEqual([
      { keyRef: PLATFORM_KEY_REF, keyLabel: 'platform key', requests: asTenant.requestLogs.nodes.length },
    ]);
    const filtered = await g.t.gqlOk<{ requestLogs: { nodes: unknown[] } }>(
      query,
      { f: { organizationId: platform.organizationId, keyRef: 'OPENAI_API_KEY_1' } },
      member.token,
    );
    expect(filtered.requestLogs.nodes, 'a tenant cannot confirm a platform key name by filtering').toEqual([]);
    const operatorUsage = await g.t.gqlOk<{ usage: { groups: { keyRef: string }[] } }>(report, {
      f: { organizationId: platform.organizationId },
    });
    expect(operatorUsage.usage.groups.map((group) => group.keyRef)).toContain('GOOGLE_API_KEY_1');

    const header = HEADER_KEYS.openai!;
    const rows = await usageOfProject(g.t, keyed.projectId);
    const userRefs = new Set(rows.filter((row) => row.keySource === 'user' && row.provider === 'openai').map((row) => row.keyRef));
    expect(userRefs.size).toBe(1);
    const unsalted = `user:${createHash('sha256').update(header).digest('hex').slice(0, 16)}`;
    expect([...userRefs][0]).toMatch(/^user:[0-9a-f]{16}$/);
    expect(userRefs.has(unsalted), 'an unsalted digest can be checked against a guessed key').toBe(false);
  });
});
