import { readFileSync } from 'node:fs';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../tools/simulator/fixture-store.js';
import { createTenant, expectLedgerConsistent, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant, usageOf } from './support/tenant.js';

const TOOLS: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
];
const HI: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];
const HELLO = 'Hello! How can I help you today?';
/** One model answered by Anthropic itself (pass-through), two translated (OpenAI, Gemini). */
const KEYS = { openai: fakeKey('openai'), anthropic: fakeKey('anthropic'), google: fakeKey('google') };
const MODELS = ['claude-haiku-4-5', 'openai/gpt-4o-mini', 'gemini-2.5-pro'];

/** `@anthropic-ai/sdk` unchanged, with `baseURL` the gateway and the gateway key as its API key. */
describe('the official @anthropic-ai/sdk client on /v1/messages', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  const client = (apiKey: string, bearer = false) =>
    new Anthropic({ baseURL: g.t.url, ...(bearer ? { authToken: apiKey, apiKey: null } : { apiKey }), maxRetries: 0 });
  const lastUpstream = () => g.sim.requests.at(-1);

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: KEYS.openai, ANTHROPIC_API_KEY: KEYS.anthropic, GOOGLE_API_KEY: KEYS.google });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
  });
  afterAll(() => g?.close());

  it.each(MODELS)('%s: messages.create, with x-api-key and with Bearer', async (model) => {
    for (const bearer of [false, true]) {
      const { data, response } = await client(tenant.secret, bearer)
        .messages.create({ model, max_tokens: 100, messages: HI })
        .withResponse();
      expect(data).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: HELLO }], stop_reason: 'end_turn' });
      expect(data.usage).toMatchObject({ input_tokens: 15, cache_read_input_tokens: 10, output_tokens: 9 });
      const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
      expect(usage).toMatchObject({ status: 'SUCCESS', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    }
  });

  it('routed to Anthropic, the body passes through as sent with anthropic-version and anthropic-beta', async () => {
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      system: [{ type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } }],
      messages: HI,
      context_management: { edits: [] },
    };
    await client(tenant.secret).messages.create(body as Anthropic.MessageCreateParamsNonStreaming, {
      headers: { 'anthropic-beta': 'context-management-2025-06-27,interleaved-thinking-2025-05-14' },
      query: { beta: 'true' },
    });
    const upstream = lastUpstream();
    expect(upstream?.path).toBe('/anthropic/v1/messages');
    // Only the model differs: the provider's own name for it.
    expect(upstream?.body).toEqual({ ...body, model: expect.stringMatching(/^claude-haiku-4-5/) });
    expect(upstream?.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream?.headers['anthropic-beta']).toBe('context-management-2025-06-27,interleaved-thinking-2025-05-14');
    expect(upstream?.apiKey).not.toBe(tenant.secret);
  });

  it.each(MODELS)('%s: messages.stream assembles the text', async (model) => {
    const stream = client(tenant.secret).messages.stream({ model, max_tokens: 100, messages: HI });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe(HELLO);
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: HELLO })]);
    expect(final.usage).toMatchObject({ input_tokens: 15, cache_read_input_tokens: 10, output_tokens: 9 });
  });

  it.each(MODELS)('%s: tools and a tool loop, plain and streamed', async (model) => {
    const anthropic = client(tenant.secret);
    const first = await anthropic.messages.create({
      model,
      max_tokens: 200,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use');
    expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');

    const streamed = await anthropic.messages
      .stream({ model, max_tokens: 200, tools: TOOLS, messages: [{ role: 'user', content: 'Weather?' }] })
      .finalMessage();
    expect(streamed.content.find((block) => block.type === 'tool_use')).toMatchObject({ input: { city: 'Paris' } });

    const loop: Anthropic.MessageParam[] = [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '15 degrees, cloudy' }] },
    ];
    const done = await anthropic.messages.create({ model, max_tokens: 200, tools: TOOLS, messages: loop });
    // The simulator ends a loop with "Done: <the tool result as it reached it>" (Gemini wraps it in a JSON object).
    expect(done.content).toEqual([expect.objectContaining({ type: 'text', text: expect.stringMatching(/^Done: .*15 degrees, cloudy/) })]);
    expect(done.stop_reason).toBe('end_turn');
    if (model.startsWith('openai/')) {
      // Translated: the tool result reached OpenAI as a tool message after the assistant's call.
      expect((lastUpstream()?.body as { messages: unknown[] } | undefined)?.messages.slice(-2)).toEqual([
        expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: use.id })] }),
        { role: 'tool', tool_call_id: use.id, content: '15 degrees, cloudy' },
      ]);
    }
  });

  it("an operator's alias routes a Messages request like any other (translated to its target)", async () => {
    const SET_ALIAS = 'mutation($input: SetModelAliasInput!) { setModelAlias(input: $input) { id } }';
    await g.t.gqlOk(SET_ALIAS, { input: { name: 'team-default', targets: ['openai/gpt-4o-mini'] } });
    const { data, response } = await client(tenant.secret)
      .messages.create({ model: 'team-default', max_tokens: 50, messages: HI })
      .withResponse();
    expect(data).toMatchObject({ model: 'team-default', content: [{ type: 'text', text: HELLO }] });
    expect(response.headers.get('x-keyplane-provider')).toBe('openai');
    expect(lastUpstream()).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('thinking blocks and signatures reach the client byte for byte, plain and streamed', async () => {
    const recorded = readFileSync(`${FIXTURES_DIR}anthropic/thinking.json`, 'utf8');
    const signature = JSON.parse(recorded).content[0].signature as string;
    const body = { model: 'claude-haiku-4-5', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: HI };
    const post = (stream: boolean) =>
      fetch(`${g.t.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': tenant.secret, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ ...body, stream }),
      });
    const plain = await (await post(false)).text();
    expect(plain).toContain(`"signature": "${signature}"`);
    expect(JSON.parse(plain).content[0]).toEqual(JSON.parse(recorded).content[0]);

    const streamed = await (await post(true)).text();
    const frame = readFileSync(`${FIXTURES_DIR}anthropic/thinking.sse`, 'utf8')
      .split('\n')
      .find((line) => line.includes('signature_delta'));
    expect(frame && streamed.includes(frame)).toBe(true);

    const final = await client(tenant.secret)
      .messages.stream({ ...body, thinking: { type: 'enabled', budget_tokens: 1024 } })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', signature });
  });

  it("count_tokens: Anthropic answers with the organization's own key; an estimate, marked, otherwise; neither is billed", async () => {
    const byok = await createTenant(g.t, { mode: 'API_KEYS', byok: { anthropic: fakeKey('anthropic', 'count') } });
    const native = await client(byok.secret).messages.countTokens({ model: 'claude-haiku-4-5', messages: HI, tools: TOOLS }).withResponse();
    expect(native.data.input_tokens).toBeGreaterThan(0);
    expect(native.response.headers.get('x-keyplane-estimated')).toBeNull();
    expect(lastUpstream()?.path).toBe('/anthropic/v1/messages/count_tokens');

    const anthropic = client(tenant.secret);
    await g.t.server.gateway.writer.flush();
    const before = await g.t.server.db.prisma.usageRecord.count({ where: { projectId: tenant.projectId } });
    const upstreamCalls = g.sim.requests.length;
    // The platform's key (CREDITS): counting would spend its rate limit for every tenant.
    const platform = await anthropic.messages.countTokens({ model: 'claude-haiku-4-5', messages: HI }).withResponse();
    expect(platform.response.headers.get('x-keyplane-estimated')).toBe('true');
    expect(g.sim.requests.length).toBe(upstreamCalls);

    const estimated = await anthropic.messages.countTokens({ model: 'openai/gpt-4o-mini', messages: HI }).withResponse();
    expect(estimated.data.input_tokens).toBeGreaterThan(0);
    expect(estimated.response.headers.get('x-keyplane-estimated')).toBe('true');
    await g.t.server.gateway.writer.flush();
    expect(await g.t.server.db.prisma.usageRecord.count({ where: { projectId: tenant.projectId } })).toBe(before);
  });

  it.each(MODELS)('%s: billed exactly like Chat Completions for the same tokens', async (model) => {
    const { response } = await client(tenant.secret).messages.create({ model, max_tokens: 100, messages: HI }).withResponse();
    const viaMessages = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    const chat = await fetch(`${g.t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
      body: JSON.stringify({ model, messages: HI }),
    });
    const viaChat = await usageOf(g.t, chat.headers.get('x-keyplane-request-id') as string);
    const billed = (row: typeof viaChat) => ({
      provider: row.provider,
      inputTokens: row.inputTokens,
      cachedInputTokens: row.cachedInputTokens,
      outputTokens: row.outputTokens,
      upstreamCostUsd: row.upstreamCostUsd.toString(),
      billedCostUsd: row.billedCostUsd.toString(),
    });
    expect(billed(viaMessages)).toEqual(billed(viaChat));
    expect(Number(viaMessages.billedCostUsd)).toBeGreaterThan(0);

    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each(MODELS)('%s: a stream cut after the first byte ends in an error the SDK throws', async (model) => {
    const provider = model.startsWith('openai/') ? 'openai' : model.startsWith('gemini') ? 'google' : 'anthropic';
    g.sim.setKeyBehavior(KEYS[provider], { kind: 'cut', afterChunks: 2, times: 1 });
    const stream = client(tenant.secret).messages.stream({ model, max_tokens: 50, messages: HI });
    const error = await stream.finalMessage().then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it("errors in Anthropic's shape: 401, 404 for a model, 429 with retry-after", async () => {
    const errorOf = async (apiKey: string, model = 'claude-haiku-4-5') => {
      try {
        await client(apiKey).messages.create({ model, max_tokens: 10, messages: HI });
      } catch (error) {
        return error as APIError;
      }
      throw new Error('expected an error');
    };
    const unauthorized = await errorOf(`kp_${'x'.repeat(40)}`);
    expect(unauthorized).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(unauthorized.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const notFound = await errorOf(tenant.secret, 'no-such-model');
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    expect(notFound.error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('no-such-model') },
    });

    const limited = await tenant.addKey({ rpmLimit: 1 });
    await client(limited.secret).messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: HI });
    const tooMany = await errorOf(limited.secret);
    expect(tooMany).toBeInstanceOf(Anthropic.RateLimitError);
    expect(tooMany.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(tooMany.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const invalid = await errorOf(tenant.secret, '');
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect(invalid.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});
