/**
 * A gateway key is checked from the headers before the body is read: anyone can send a body of
 * up to 20 MB with a key that does not exist, and refusing it must not cost a parse of it. A body
 * no parser would accept proves the order: a refused key gets its 401, not the body's 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant } from './support/tenant.js';

const UNKNOWN_KEY = `kp_${'Z'.repeat(40)}`;
/** Cut off mid-member: Fastify's JSON parser answers 400 if it ever reads it. */
const NOT_JSON = '{"model": "gpt-4o-mini", "messages": [';
/** Valid JSON nested past the depth limit: the depth check answers 400 if it ever runs. */
const TOO_DEEP = `${'['.repeat(150)}${']'.repeat(150)}`;

const BODY_ROUTES = ['/v1/chat/completions', '/v1/messages', '/v1/responses', '/v1/embeddings', '/v1/messages/count_tokens'];

describe('a refused gateway key is answered before its body is read', () => {
  let g: GatewayEnv;
  let tenant: Tenant;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: fakeKey('openai') });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
  });
  afterAll(() => g?.close());

  const post = (path: string, body: string, key: string | null) =>
    g.t.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });

  it.each(BODY_ROUTES)('%s: 401 in its own error shape, whatever the body holds', async (path) => {
    for (const [key, body] of [
      [UNKNOWN_KEY, NOT_JSON],
      [UNKNOWN_KEY, TOO_DEEP],
      [null, NOT_JSON],
    ] as const) {
      const response = await post(path, body, key);
      const text = await response.text();
      expect(response.status, `${path} ${text}`).toBe(401);
      const json = JSON.parse(text);
      expect(json.error.message).toMatch(key ? /gateway key is not valid/ : /Send a gateway key/);
      if (path.startsWith('/v1/messages')) expect(json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      else expect(json.error.code).toBe('invalid_api_key');
    }
  });

  it('an accepted key still has its body checked: 400 for a body that is not JSON or nests too deep', async () => {
    for (const body of [NOT_JSON, TOO_DEEP]) {
      const response = await post('/v1/chat/completions', body, tenant.secret);
      expect(response.status, await response.text()).toBe(400);
    }
  });

  it('a refusal before the body is a refusal like any other: request id, its log line, and the next request served', async () => {
    const refused = await post('/v1/chat/completions', NOT_JSON, UNKNOWN_KEY);
    expect(refused.status).toBe(401);
    const requestId = refused.headers.get('x-keyplane-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    const line = () => g.t.logs.map((text) => JSON.parse(text)).find((entry) => entry.requestId === requestId);
    await expect
      .poll(line)
      .toMatchObject({ status: 401, outcome: 'FAILED', gatewayKeyId: null, msg: expect.stringContaining('POST /v1/chat/completions 401') });
    expect(JSON.stringify(line())).not.toContain(UNKNOWN_KEY);

    // A good key next: nothing of the refused body was left to be read as the next request.
    const served = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      tenant.secret,
    );
    expect(served.status, await served.text()).toBe(200);
  });
});
