import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from '../support/tenant.js';

const KEYS = { openai: fakeKey('openai', 'cutshort'), anthropic: fakeKey('anthropic', 'cutshort') };
const HI = [{ role: 'user' as const, content: 'Hi' }];

/**
 * A passed-through stream (Anthropic Messages to Anthropic, Responses to OpenAI) that the upstream
 * closes cleanly before its last event was cut short, as a translated stream without its finish
 * is: the client gets an error frame, and the record says STREAM_INTERRUPTED, not SUCCESS.
 */
describe('a passed-through stream closed before its last event', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: KEYS.openai, ANTHROPIC_API_KEY: KEYS.anthropic });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(() => g?.close());

  it('Anthropic Messages: the SDK throws, and the request is recorded as interrupted', async () => {
    g.sim.setKeyBehavior(KEYS.anthropic, { kind: 'end-early', afterChunks: 4, times: 1 });
    const client = new Anthropic({ baseURL: g.t.url, apiKey: tenant.secret, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 50, messages: HI });
    const { response } = await stream.withResponse();
    const error = await stream.finalMessage().then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringMatching(/before its last event/) },
    });
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED', streamed: true, attempts: 1 });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  const responsesStream = () =>
    fetch(`${g.t.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, input: 'Hi' }),
      signal: AbortSignal.timeout(10_000),
    });

  it('Responses: the stream ends in an error event instead of stopping without response.completed', async () => {
    g.sim.setKeyBehavior(KEYS.openai, { kind: 'end-early', afterChunks: 5, times: 1 });
    const response = await responsesStream();
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('response.output_text.delta');
    expect(text).not.toContain('response.completed');
    expect(text.trim().split('\n\n').at(-1)).toMatch(/before its last event/);
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED' });
  });

  it('an empty stream (nothing relayed) is a failed call, not an empty answer', async () => {
    g.sim.setKeyBehavior(KEYS.openai, { kind: 'end-early', afterChunks: 0, times: 1 });
    const response = await responsesStream();
    const text = await response.text();
    expect(response.status, text).toBe(502);
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED' });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});
