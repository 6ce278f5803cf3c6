import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyCheck } from '../../../server/gateway/keys/key-check.js';
import { getProvider } from '../../../server/providers/registry.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../../tools/simulator/upstream-simulator.js';

/** KeyCheck against the simulator's real model-list routes: what a check concludes, and how often it asks. */
describe('KeyCheck', () => {
  let sim: UpstreamSimulator;
  const dispatcher = new Agent();
  beforeAll(async () => {
    sim = await startUpstreamSimulator();
  });
  afterAll(async () => {
    await sim.close();
    await dispatcher.close();
  });

  const target = (provider: 'openai' | 'anthropic' | 'google', apiKey: string, baseUrl = sim.baseUrl(provider)) => ({
    stateKey: `${provider}:${apiKey}`,
    adapter: getProvider(provider)!.adapter,
    baseUrl,
    apiKey,
    dispatcher,
  });
  const gets = () => sim.requests.filter((r) => r.method === 'GET');

  it("asks each provider's model list with the key alone, and reads the answer with the provider's classifier", async () => {
    const check = new KeyCheck({ timeoutMs: 2_000 });
    sim.setKeyBehavior('kc-revoked-openai', { kind: 'unauthorized' });
    sim.setKeyBehavior('kc-revoked-anthropic', { kind: 'unauthorized' });
    // A 403 says the key may not list models, not that it is revoked.
    sim.setKeyBehavior('kc-forbidden-anthropic', { kind: 'forbidden' });
    // Gemini refuses a bad key with a 400 API_KEY_INVALID: still the key's fault.
    sim.setKeyBehavior('kc-revoked-google', { kind: 'unauthorized' });
    sim.setKeyBehavior('kc-fine-google', { kind: 'forbidden-request' });
    sim.clearRequests();
    expect(await check.check(target('openai', 'kc-fine-openai'))).toBe('accepted');
    expect(await check.check(target('anthropic', 'kc-fine-anthropic'))).toBe('accepted');
    expect(await check.check(target('google', 'kc-fine-google'))).toBe('accepted');
    expect(await check.check(target('openai', 'kc-revoked-openai'))).toBe('rejected');
    expect(await check.check(target('anthropic', 'kc-revoked-anthropic'))).toBe('rejected');
    expect(await check.check(target('google', 'kc-revoked-google'))).toBe('rejected');
    expect(await check.check(target('anthropic', 'kc-forbidden-anthropic'))).toBe('unknown');
    expect(gets().map((r) => `${r.path} ${new URLSearchParams(r.query).toString()}`)).toEqual([
      '/openai/v1/models ',
      '/anthropic/v1/models limit=1',
      '/google/v1beta/models pageSize=1',
      '/openai/v1/models ',
      '/anthropic/v1/models limit=1',
      '/google/v1beta/models pageSize=1',
      '/anthropic/v1/models limit=1',
    ]);
    expect(gets()[1]?.headers['anthropic-version']).toBeTruthy();
    expect(gets()[2]?.headers['x-goog-api-key']).toBe('kc-fine-google');
  });

  it("knows nothing when the provider cannot be asked, or refuses the key only the model list's scope", async () => {
    const check = new KeyCheck({ timeoutMs: 2_000 });
    let asked = 0;
    const server = createServer((req, res) => {
      asked += 1;
      // OpenAI's answer to a restricted key without api.model.read, which may still generate.
      if (req.headers.authorization === 'Bearer kc-restricted') {
        res.writeHead(401, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            error: {
              message:
                'You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you are using a restricted API key, that it has the necessary scopes.',
              type: 'invalid_request_error',
              param: null,
              code: null,
            },
          }),
        );
      }
      // A self-hosted OpenAI-compatible server that serves completions only.
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Not Found"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await check.check(target('openai', 'kc-custom', `http://127.0.0.1:${port}/v1`))).toBe('unknown');
      expect(await check.check(target('openai', 'kc-restricted', `http://127.0.0.1:${port}/v1`))).toBe('unknown');
      // Not known is remembered too: a burst of refusals on such a key asks once.
      expect(await check.check(target('openai', 'kc-restricted', `http://127.0.0.1:${port}/v1`))).toBe('unknown');
      expect(asked).toBe(2);
    } finally {
      server.close();
    }
    expect(await check.check(target('openai', 'kc-closed', 'http://127.0.0.1:9/v1'))).toBe('unknown');
  });

  it('one check in flight per key; a key found serving is not asked about again until rememberForMs passes', async () => {
    let now = 1_000_000;
    const check = new KeyCheck({ timeoutMs: 2_000, rememberForMs: 30_000, now: () => now });
    sim.clearRequests();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => check.check(target('openai', 'kc-burst'))));
    expect(outcomes).toEqual(Array(8).fill('accepted'));
    expect(gets()).toHaveLength(1);
    now += 29_000;
    expect(await check.check(target('openai', 'kc-burst'))).toBe('accepted');
    expect(gets()).toHaveLength(1);
    now += 2_000;
    sim.setKeyBehavior('kc-burst', { kind: 'unauthorized' });
    expect(await check.check(target('openai', 'kc-burst'))).toBe('rejected');
    expect(gets()).toHaveLength(2);
    // A refused key is not remembered: the next check asks again.
    sim.setKeyBehavior('kc-burst', { kind: 'ok' });
    expect(await check.check(target('openai', 'kc-burst'))).toBe('accepted');
    expect(gets()).toHaveLength(3);
  });
});
