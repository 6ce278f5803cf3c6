import { readFileSync } from 'node:fs';
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, fakeKey, type GatewayEnv, pico, startGatewayEnv, type Tenant, usageOf } from '../../support/tenant.js';

const WEATHER: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};
const TEXT = 'Hello! How can I help you today?';
const codexRequest = JSON.parse(
  readFileSync(new URL('../../../fixtures/openai-responses/codex-request.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** `client.responses.create` of the official openai client, unchanged, through the gateway. */
describe('/v1/responses with the official clients', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  let client: OpenAI;

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', {
      OPENAI_API_KEY: fakeKey('openai'),
      ANTHROPIC_API_KEY: fakeKey('anthropic'),
      GOOGLE_API_KEY: fakeKey('google'),
    });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
    client = new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey: tenant.secret, maxRetries: 0 });
  });
  afterAll(() => g?.close());

  it('passes through to OpenAI as sent (path /responses, body intact but the model), usage read from the response', async () => {
    g.sim.clearRequests();
    const { data, response } = await client.responses
      .create({
        model: 'openai/gpt-4o-mini',
        input: 'Hi',
        store: false,
        include: ['reasoning.encrypted_content'],
      })
      .withResponse();
    expect(data.output_text).toBe(TEXT);
    expect(data.usage).toMatchObject({ input_tokens: 25, output_tokens: 9 });
    expect(response.headers.get('x-keyplane-provider')).toBe('openai');
    expect(response.headers.get('x-keyplane-dropped-tools')).toBeNull();
    const sent = g.sim.requests.at(-1);
    expect(sent?.path).toBe('/openai/v1/responses');
    expect(sent?.body).toEqual({
      model: 'gpt-4o-mini',
      input: 'Hi',
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'SUCCESS', provider: 'openai', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
  });

  it('streams through to OpenAI; the client assembles the final response', async () => {
    const stream = client.responses.stream({ model: 'openai/gpt-4o-mini', input: 'Hi' });
    let text = '';
    stream.on('response.output_text.delta', (event) => {
      text += event.delta;
    });
    const final = await stream.finalResponse();
    expect(text).toBe(TEXT);
    expect(final.output_text).toBe(TEXT);
    expect(final.usage?.total_tokens).toBe(34);
  });

  it('streams a body only OpenAI can take through as a stream: one upstream call, billed once', async () => {
    g.sim.clearRequests();
    // An item_reference has no canonical form: the request passes through untranslated.
    const input = [
      { role: 'user', content: 'Hi' },
      { type: 'item_reference', id: 'msg_1' },
    ];
    const body = { model: 'openai/gpt-4o-mini', stream: true, max_output_tokens: 256, input };
    const response = await fetch(`${g.t.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(text).toContain('event: response.completed');
    expect(g.sim.requests).toHaveLength(1);
    expect(g.sim.requests[0]?.body).toEqual({ ...body, model: 'gpt-4o-mini' });
    const requestId = response.headers.get('x-keyplane-request-id') as string;
    const usage = await usageOf(g.t, requestId);
    expect(usage).toMatchObject({
      status: 'SUCCESS',
      streamed: true,
      attempts: 1,
      inputTokens: 25,
      outputTokens: 9,
      tokensEstimated: false,
    });
    const ledger = await g.t.server.db.prisma.creditLedgerEntry.findMany({ where: { requestId } });
    expect(ledger.map((entry) => pico(entry.amountUsd))).toEqual([-pico(usage.billedCostUsd)]);
    expect(pico(usage.billedCostUsd)).toBeGreaterThan(0n);
  });

  it.each(['anthropic/claude-haiku-4-5', 'gemini-2.5-flash'])('%s: translated, plain and streamed', async (model) => {
    const { data, response } = await client.responses.create({ model, instructions: 'Be brief.', input: 'Hi' }).withResponse();
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe(TEXT);
    expect(data.usage).toMatchObject({ input_tokens: 25, output_tokens: 9, total_tokens: 34 });
    expect(response.headers.get('x-keyplane-provider')).toBe(model.startsWith('anthropic') ? 'anthropic' : 'google');

    const stream = client.responses.stream({ model, input: 'Hi' });
    const types = new Set<string>();
    for await (const event of stream) types.add(event.type);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(TEXT);
    expect([...types]).toEqual(
      expect.arrayContaining(['response.created', 'response.output_text.delta', 'response.output_item.done', 'response.completed']),
    );
  });

  it('a function-call round trip, translated to Anthropic', async () => {
    const first = await client.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'Weather in Paris?', tools: [WEATHER] });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
    if (call?.type !== 'function_call') throw new Error('no call');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });

    const second = await client.responses.create({
      model: 'anthropic/claude-haiku-4-5',
      tools: [WEATHER],
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...first.output,
        { type: 'function_call_output', call_id: call.call_id, output: '18°C and sunny' },
      ] as OpenAI.Responses.ResponseInputItem[],
    });
    expect(second.output_text).toBe('Done: 18°C and sunny');
  });

  it.each([false, true])(
    'names a hostile built-in tool in the header only as printable ASCII (stream: %s), and answers',
    async (stream) => {
      // writeHead throws on CR, LF or a character beyond Latin-1: the request used to hang unanswered.
      const response = await fetch(`${g.t.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
        body: JSON.stringify({
          model: 'anthropic/claude-haiku-4-5',
          input: 'Hi',
          stream,
          tools: [{ type: 'evil\r\nx-injected: 1' }, { type: 'outil-\u4e00' }],
        }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-keyplane-dropped-tools')).toBe("evil''x-injected: 1, outil-'");
      expect(response.headers.get('x-injected')).toBeNull();
      expect(await response.text()).toContain(stream ? 'response.completed' : '"status":"completed"');
    },
  );

  it('leaves built-in tools out of a translated request, names them in a header and on the usage record', async () => {
    g.sim.clearRequests();
    const { response } = await client.responses
      .create({ ...codexRequest, model: 'anthropic/claude-haiku-4-5', stream: false } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .withResponse();
    expect(response.headers.get('x-keyplane-dropped-tools')).toBe('web_search');
    const sent = g.sim.requests.at(-1)?.body as { tools: { name: string }[] };
    expect(sent.tools.map((t) => t.name)).toContain('multi_agent_v1__spawn_agent');
    expect(sent.tools.map((t) => t.name)).not.toContain('web_search');
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage.routing).toMatchObject({ droppedTools: ['web_search'] });

    const forced = await client.responses
      .create({
        model: 'anthropic/claude-haiku-4-5',
        input: 'Hi',
        tools: [{ type: 'web_search' }],
        tool_choice: { type: 'web_search_preview' },
      })
      .catch((error: unknown) => error);
    expect(forced).toMatchObject({ status: 400, message: expect.stringMatching(/only OpenAI runs/) });
    const stored = await client.responses
      .create({ model: 'gpt-4o-mini', input: 'Hi', previous_response_id: 'resp_x' })
      .catch((e: unknown) => e);
    expect(stored).toMatchObject({ status: 400, message: expect.stringMatching(/does not store responses/) });
  });

  it('bills a Responses call exactly like the same tokens through Chat Completions', async () => {
    const viaResponses = await client.responses.create({ model: 'claude-haiku-4-5', input: 'Hi' }).withResponse();
    const viaChat = await client.chat.completions
      .create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    const a = await usageOf(g.t, viaResponses.response.headers.get('x-keyplane-request-id') as string);
    const b = await usageOf(g.t, viaChat.response.headers.get('x-keyplane-request-id') as string);
    expect(a.billedCostUsd.toString()).toBe(b.billedCostUsd.toString());
    expect(a.upstreamCostUsd.toString()).toBe(b.upstreamCostUsd.toString());
    expect([a.inputTokens, a.cachedInputTokens, a.outputTokens]).toEqual([b.inputTokens, b.cachedInputTokens, b.outputTokens]);
    expect(Number(a.billedCostUsd)).toBeGreaterThan(0);
  });

  it('@openai/agents runs an agent with one function tool, on a translated and a passed-through model', async () => {
    setDefaultOpenAIClient(client);
    setOpenAIAPI('responses');
    setTracingDisabled(true);
    const getWeather = tool({
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
      strict: true,
      execute: async (input) => `Sunny in ${(input as { city: string }).city}`,
    });
    for (const model of ['anthropic/claude-haiku-4-5', 'openai/gpt-4o-mini']) {
      const agent = new Agent({ name: 'Weather', instructions: 'Answer with the weather.', tools: [getWeather], model });
      const result = await run(agent, 'Weather in Paris?');
      expect(result.finalOutput).toBe('Done: Sunny in Paris');
    }
  });
});
