/**
 * What a new user meets first: refusals that say which key source is missing and how to add it,
 * the caller's key with a bare model name, one log line per request, and GET /v1/models/{id}
 * through the official openai client.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, createTenant, expectOpenAiError, fakeKey, type GatewayEnv, startGatewayEnv } from './support/tenant.js';

const POOL_KEY = fakeKey('groq', 'pool1');

describe('refusals, the caller key, the request log line and /v1/models/{id}', () => {
  let g: GatewayEnv;
  const errorOf = (result: { json: { error: { message: string } } }) => result.json.error.message;

  beforeAll(async () => {
    // A groq pool with the flag off everywhere; no OpenAI platform key at all.
    g = await startGatewayEnv('pglite', { GROQ_API_KEY_1: POOL_KEY, GROQ_API_KEY_2: fakeKey('groq', 'pool2') });
  });
  afterAll(() => g?.close());

  it('API_KEYS without a key: names the missing sources and setProviderKey / x-provider-api-key', async () => {
    const tenant = await createTenant(g.t, { mode: 'API_KEYS' });
    const refused = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(refused, 403, 'no_key_source');
    expect(errorOf(refused)).toBe(
      'No key for "gpt-4o-mini" (served by openai): this project is in API_KEYS mode, so it uses only the caller\'s ' +
        "x-provider-api-key and the organization's stored keys, and neither is set for openai. To fix it, add the " +
        'organization\'s openai key with setProviderKey, or send x-provider-api-key with model "openai/gpt-4o-mini"; ' +
        'or switch the project to HYBRID or CREDITS (updateProject) to use platform keys.',
    );
    expect(refused.headers.get('x-keyplane-route')).toContain('why=no key from a source the project mode allows');
  });

  it('CREDITS with pool keys and the flag off: says the flag is off and who turns it on', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    const refused = await chat(g.t, tenant.secret, { model: 'llama-3.3-70b' });
    expectOpenAiError(refused, 403, 'no_key_source');
    const message = errorOf(refused);
    expect(message).toContain('this project is in CREDITS mode, so it uses platform keys only');
    expect(message).toContain('the hosted-key-llm flag is off for it while GROQ_API_KEY_1… exist');
    expect(message).toContain('an operator turns it on with setFeatureFlag');
    expect(message).toContain('switch the project to HYBRID or API_KEYS (updateProject)');
    expect(message).not.toContain(POOL_KEY);

    // With the flag on, the same request is served by the pool.
    const flagged = await createTenant(g.t, { mode: 'CREDITS', credits: '5', projectFlag: true });
    const served = await chat(g.t, flagged.secret, { model: 'llama-3.3-70b' });
    expect(served.status, served.text).toBe(200);
    expect(served.keySource).toBe('hosted');
  });

  it('CREDITS without any platform key for the provider: names the variables an operator sets', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    const refused = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(refused, 403, 'no_key_source');
    expect(errorOf(refused)).toContain(
      'no platform key is configured for openai — an operator sets OPENAI_API_KEY_1… (used while the hosted-key-llm flag is on) ' +
        'or OPENAI_API_KEY and restarts keyplane',
    );
  });

  it('HYBRID: both ways out, and x-keyplane-route does not blame the mode', async () => {
    const tenant = await createTenant(g.t, { mode: 'HYBRID' });
    const refused = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
    expectOpenAiError(refused, 403, 'no_key_source');
    expect(errorOf(refused)).toMatch(/^No key for "gpt-4o-mini" \(served by openai\): this project is in HYBRID mode/);
    expect(errorOf(refused)).toContain('setProviderKey');
    expect(errorOf(refused)).toContain('OPENAI_API_KEY_1');
    const route = refused.headers.get('x-keyplane-route') ?? '';
    expect(route).toContain('why=no provider serving the model has a key from any source');
    expect(route).not.toContain('project mode');
  });

  it('x-provider-api-key with a bare model: used when one provider serves it, else 400 asking for provider/model', async () => {
    const tenant = await createTenant(g.t, { mode: 'API_KEYS' });
    const userKey = fakeKey('openai', 'bare');
    const served = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' }, { 'x-provider-api-key': userKey });
    expect(served.status, served.text).toBe(200);
    expect(served.keySource).toBe('user');
    expect(g.sim.requests.at(-1)?.apiKey).toBe(userKey);

    const before = g.sim.requests.length;
    const ambiguous = await chat(g.t, tenant.secret, { model: 'llama-3.3-70b' }, { 'x-provider-api-key': fakeKey('groq', 'bare') });
    expectOpenAiError(ambiguous, 400, 'invalid_request');
    expect(errorOf(ambiguous)).toBe(
      'x-provider-api-key is for one provider, and "llama-3.3-70b" is served by groq, together: write model as ' +
        '"provider/model" (e.g. "groq/llama-3.3-70b") to say which one the key belongs to',
    );
    expect(g.sim.requests.length).toBe(before);
  });

  it('logs one info line per request: ids, model, provider, key source, status, ms, tokens — no secret', async () => {
    const userKey = fakeKey('openai', 'logline');
    const tenant = await createTenant(g.t, { mode: 'API_KEYS' });
    const from = g.t.logs.length;
    const served = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' }, { 'x-provider-api-key': userKey });
    expect(served.status).toBe(200);
    const refused = await chat(g.t, tenant.secret, { model: 'no-such-model' });
    expect(refused.status).toBe(404);
    await expect.poll(() => g.t.logs.length - from).toBeGreaterThanOrEqual(2);

    const lines = g.t.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = (requestId: string) => lines.filter((line) => line.requestId === requestId);
    expect(mine(served.requestId)).toHaveLength(1);
    expect(mine(served.requestId)[0]).toMatchObject({
      level: 30,
      gatewayKeyId: tenant.gatewayKeyId,
      model: 'gpt-4o-mini',
      provider: 'openai',
      keySource: 'user',
      status: 200,
      outcome: 'SUCCESS',
      msg: expect.stringMatching(/^POST \/v1\/chat\/completions 200 gpt-4o-mini openai:user [\d.]+ ms$/),
    });
    const line = mine(served.requestId)[0] ?? {};
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(line.inputTokens).toEqual(expect.any(Number));
    expect(line.outputTokens).toEqual(expect.any(Number));
    expect(mine(refused.requestId)).toHaveLength(1);
    expect(mine(refused.requestId)[0]).toMatchObject({ status: 404, outcome: 'FAILED', model: 'no-such-model', provider: null });

    const text = g.t.logs.slice(from).join('');
    for (const secret of [userKey, tenant.secret, 'Hi']) expect(text).not.toContain(secret);
  });

  it('GET /v1/models/{id}: an OpenAI model object, ids with a slash, and an OpenAI-shaped 404', async () => {
    const tenant = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: fakeKey('openai', 'models') } });
    const client = new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey: tenant.secret, maxRetries: 0 });
    expect(await client.models.retrieve('gpt-4o-mini')).toMatchObject({
      id: 'gpt-4o-mini',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'keyplane',
    });
    expect(await client.models.retrieve('openai/gpt-4o-mini')).toMatchObject({
      id: 'openai/gpt-4o-mini',
      object: 'model',
      owned_by: 'openai',
    });

    const missing = await client.models.retrieve('groq/llama-3.3-70b-versatile').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
    expect((missing as Error).message).toContain('GET /v1/models lists the models it can use');

    const anonymous = await g.t.fetch('/v1/models/gpt-4o-mini');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
  });
});
