import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimBehavior, UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { startUpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { clearRedisPrefix, redisAvailable, uniqueRedisPrefix } from '../support/redis.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Distinctive secrets: if any of these shows up anywhere outside the one reply that creates
// a gateway key, a secret leaked.
const POOL = {
  OPENAI_API_KEY_1: 'sk-CANARYPOOLONE-7f3a9c1e5b2d8a4f6c0e',
  OPENAI_API_KEY_2: 'sk-CANARYPOOLTWO-1b4d7e0a3c6f9b2e5d8a',
};
const LEGACY = 'sk-CANARYLEGACY-9e8d7c6b5a4f3e2d1c0b';
const BYOK = 'sk-ant-CANARYBYOK-4c3b2a1f0e9d8c7b6a5f4e3d';
const HEADER = 'sk-CANARYHEADER-2a4c6e8a0c2e4a6c8e0a';
const CANARIES = [...Object.values(POOL), LEGACY, BYOK, HEADER, 'CANARY'];

const FAULTS: SimBehavior[] = [
  { kind: 'unauthorized' },
  { kind: 'forbidden' },
  { kind: 'rate-limit', retryAfterSeconds: 1 },
  { kind: 'quota' },
  { kind: 'server-error' },
  { kind: 'hang' },
  { kind: 'cut', afterChunks: 2 },
  { kind: 'slow', chunkDelayMs: 30 },
];

const hasRedis = await redisAvailable();

/** The whole fault suite once more, then every output is searched for the seeded secrets. */
describe.skipIf(!hasRedis)('no secret escapes under faults', { timeout: 180_000 }, () => {
  let sim: UpstreamSimulator;
  let redisProxy: TcpProxy;
  let t: TestServer;
  let hybridKey: string;
  let apiKeysKey: string;
  const prefix = uniqueRedisPrefix();
  const leaks: string[] = [];

  beforeAll(async () => {
    sim = await startUpstreamSimulator();
    redisProxy = await startTcpProxy('127.0.0.1', 6379);
    t = await startTestServer('pglite', {
      ...sim.env(),
      ...POOL,
      OPENAI_API_KEY: LEGACY,
      HOSTED_KEY_LLM: 'true',
      UPSTREAM_TIMEOUT_MS: '700',
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'debug',
    });
    const org = (await t.gqlOk<any>('mutation { createOrganization(input:{name:"Faults"}) { id } }')).createOrganization.id;
    await t.gqlOk('mutation($o:ID!){ addCredits(input:{organizationId:$o, amountUsd:"100"}) { entry { id } } }', { o: org });
    await t.gqlOk('mutation($o:ID!,$k:String!){ setProviderKey(input:{organizationId:$o, provider:"anthropic", key:$k}) { mask } }', {
      o: org,
      k: BYOK,
    });
    const project = async (mode: string) =>
      (
        await t.gqlOk<any>(
          'mutation($o:ID!,$n:String!,$m:ProjectMode!){ createProject(input:{organizationId:$o, name:$n, mode:$m}) { id } }',
          { o: org, n: mode, m: mode },
        )
      ).createProject.id;
    const key = async (projectId: string) =>
      (await t.gqlOk<any>('mutation($p:ID!){ createGatewayKey(input:{projectId:$p, name:"k"}) { secret } }', { p: projectId }))
        .createGatewayKey.secret as string;
    hybridKey = await key(await project('HYBRID'));
    apiKeysKey = await key(await project('API_KEYS'));
  });

  afterAll(async () => {
    await t?.close();
    await redisProxy?.close();
    await sim?.close();
    await clearRedisPrefix(prefix);
  });

  const complete = async (key: string, model: string, stream: boolean, extraHeaders: Record<string, string> = {}) => {
    try {
      const response = await t.fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...extraHeaders },
        body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
      });
      return response.status;
    } catch {
      return 0;
    }
  };

  it('runs every upstream fault through every key source', async () => {
    for (const fault of FAULTS) {
      for (const secret of [...Object.values(POOL), LEGACY, BYOK, HEADER]) sim.setKeyBehavior(secret, fault);
      for (const stream of [false, true]) {
        await complete(hybridKey, 'gpt-4o-mini', stream);
        await complete(hybridKey, 'claude-sonnet-4-5', stream);
        await complete(apiKeysKey, 'openai/gpt-4o-mini', stream, { 'x-provider-api-key': HEADER });
      }
      sim.clearKeyBehaviors();
      for (const name of Object.keys(POOL)) await t.server.gateway.state.setDisabled(name, false, null);
    }
    // And with Redis gone: state falls back to memory, nothing crashes, nothing leaks.
    redisProxy.cut();
    expect(await complete(hybridKey, 'gpt-4o-mini', false)).toBe(200);
    sim.setKeyBehavior(POOL.OPENAI_API_KEY_1, { kind: 'unauthorized' });
    expect([200, 429, 502]).toContain(await complete(hybridKey, 'gpt-4o-mini', false));
    redisProxy.restore();
    sim.clearKeyBehaviors();
    // Control-plane error paths that carry a secret in their input.
    await t.gql('mutation($k:String!){ setProviderKey(input:{organizationId:"nope", provider:"openai", key:$k}) { mask } }', { k: HEADER });
    await t.gql('mutation($k:String!){ setProviderKey(input:{organizationId:"nope", provider:"anthropic", key:$k}) { mask } }', {
      k: `${HEADER}!`,
    });
    await t.gql('mutation($k:Int!){ createGatewayKey(input:{projectId:"x", name:"k", rpmLimit:$k}) { secret } }', { k: HEADER });
  });

  it('finds none of the seeded secrets in logs, responses, metrics, usage records or the audit log', async () => {
    await t.server.gateway.writer.flush();
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const usage = JSON.stringify(await t.server.db.prisma.usageRecord.findMany());
    const audit = JSON.stringify(await t.server.db.prisma.auditEntry.findMany());
    const corpus: [string, string][] = [
      ['logs', t.logs.join('\n')],
      ['responses', t.responses.filter((body) => !body.includes('"createGatewayKey"')).join('\n')],
      ['metrics', metrics],
      ['usage records', usage],
      ['audit log', audit],
    ];
    for (const [where, text] of corpus) {
      for (const canary of CANARIES) if (text.includes(canary)) leaks.push(`${canary} in ${where}`);
    }
    expect(t.logs.length).toBeGreaterThan(0);
    expect(usage.length).toBeGreaterThan(1_000);
    expect(leaks).toEqual([]);
  });
});
