import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, expectLedgerConsistent, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant, usageOf } from './support/tenant.js';

const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

/** docs/api.md: works unchanged with the official `openai` npm client given `baseURL: …/v1`. */
describe('the official openai client', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  const client = (apiKey: string) => new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey, maxRetries: 0 });

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { OPENAI_API_KEY: fakeKey('openai'), ANTHROPIC_API_KEY: fakeKey('anthropic') });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
  });
  afterAll(() => g?.close());

  it.each(['gpt-4o-mini', 'claude-haiku-4-5'])('%s: chat completion, with keyplane headers', async (model) => {
    const { data, response } = await client(tenant.secret)
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello! How can I help you today?');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 9, total_tokens: 34 });
    expect(response.headers.get('x-keyplane-key-source')).toBe('env');
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage.status).toBe('SUCCESS');
  });

  it('streams, with the usage chunk it asked for', async () => {
    const stream = await client(tenant.secret).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello! How can I help you today?');
    expect(usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 9 });
  });

  it('tool calls, plain and streamed (the client helper assembles the deltas)', async () => {
    const plain = await client(tenant.secret).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: TOOLS,
    });
    const call = plain.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(plain.choices[0]?.finish_reason).toBe('tool_calls');

    const runner = client(tenant.secret).chat.completions.stream({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: TOOLS,
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual({ city: 'Paris' });
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('surfaces gateway errors with their status: 401, 402, 404, 429', async () => {
    const errorOf = async (apiKey: string, model = 'gpt-4o-mini') => {
      try {
        await client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
      } catch (error) {
        return error;
      }
      throw new Error('expected an error');
    };
    const unauthorized = await errorOf(`kp_${'x'.repeat(40)}`);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauthorized as APIError).status).toBe(401);

    const broke = await createTenant(g.t, { mode: 'CREDITS' });
    const noCredits = (await errorOf(broke.secret)) as APIError;
    expect(noCredits).toBeInstanceOf(APIError);
    expect(noCredits.status).toBe(402);
    expect(noCredits.code).toBe('insufficient_credits');

    const notFound = (await errorOf(tenant.secret, 'no-such-model')) as APIError;
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound.code).toBe('model_not_found');

    const limited = await tenant.addKey({ rpmLimit: 1 });
    await client(limited.secret).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    const tooMany = (await errorOf(limited.secret)) as APIError;
    expect(tooMany).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(tooMany.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(tooMany.message).not.toMatch(/kp_/);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('lists models', async () => {
    const ids = [];
    for await (const model of client(tenant.secret).models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
  });
});
