import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  createTenant,
  expectOpenAiError,
  fakeKey,
  type GatewayEnv,
  sseData,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from '../../support/tenant.js';

const THINKING = { type: 'enabled', budget_tokens: 1024 };

/** Chat Completions as one front door of the pipeline, against the real server and the upstream simulator. */
describe('the Chat Completions front door', () => {
  let g: GatewayEnv;
  let tenant: Tenant;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: fakeKey('openai'), ANTHROPIC_API_KEY: fakeKey('anthropic') });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
  });
  afterAll(() => g?.close());

  it('takes the gateway key as x-api-key too, and records the front door on the usage record', async () => {
    const result = await chat(g.t, null, { model: 'gpt-4o-mini' }, { 'x-api-key': tenant.secret });
    expect(result.status, result.text).toBe(200);
    expect(result.json.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect((await usageOf(g.t, result.requestId)).endpoint).toBe('openai-chat');

    expectOpenAiError(await chat(g.t, null, { model: 'gpt-4o-mini' }, { 'x-api-key': 'kp_notakey' }), 401, 'invalid_api_key');
    const none = await chat(g.t, null, { model: 'gpt-4o-mini' });
    expectOpenAiError(none, 401, 'invalid_api_key');
    expect(none.json.error.message).toContain('x-api-key');
  });

  it('answers HEAD / with 200 (clients probe the base URL) and GET /healthz still', async () => {
    expect((await g.t.fetch('/', { method: 'HEAD' })).status).toBe(200);
    expect((await g.t.fetch('/healthz')).status).toBe(200);
  });

  it('Anthropic thinking reaches the client as reasoning_content (recorded signed-thinking answer)', async () => {
    const plain = await chat(g.t, tenant.secret, { model: 'claude-sonnet-4-5', thinking: THINKING, max_tokens: 2048 });
    expect(plain.status, plain.text).toBe(200);
    const message = plain.json.choices[0].message;
    expect(message.reasoning_content).toMatch(/^I need to find the GCD of 1071 and 462/);
    expect(message.content).not.toBe('');

    const streamed = await chat(g.t, tenant.secret, { model: 'claude-sonnet-4-5', thinking: THINKING, max_tokens: 2048, stream: true });
    expect(streamed.status, streamed.text).toBe(200);
    const deltas = sseData(streamed.text)
      .filter((data) => data !== '[DONE]')
      .map((data) => JSON.parse(data).choices[0]?.delta ?? {});
    expect(deltas.map((delta) => delta.reasoning_content ?? '').join('')).toBe(message.reasoning_content);
    expect(deltas.map((delta) => delta.content ?? '').join('')).toBe(message.content);
    const record = await usageOf(g.t, streamed.requestId);
    expect(record).toMatchObject({ endpoint: 'openai-chat', status: 'SUCCESS', streamed: true });
  });
});
