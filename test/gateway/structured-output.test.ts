import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant } from './support/tenant.js';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

const PERSON = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 1 },
    role: { type: 'string', enum: ['admin', 'member'] },
    tags: { type: 'array', items: { type: 'string' } },
    address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
  required: ['name', 'age', 'role', 'tags', 'address'],
  additionalProperties: false,
};
const EXPECTED_PERSON = { name: 'example', age: 1, role: 'admin', tags: ['example'], address: { city: 'example' } };
const RESPONSE_FORMAT = { type: 'json_schema', json_schema: { name: 'person', strict: true, schema: PERSON } } as const;
const WEATHER: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** Structured output and tool loops through the gateway and the upstream simulator, with the official client. */
describe('structured output and tool loops against the simulator', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  const client = () => new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey: tenant.secret, maxRetries: 0 });

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', {
      OPENAI_API_KEY: fakeKey('openai'),
      ANTHROPIC_API_KEY: fakeKey('anthropic'),
      GOOGLE_API_KEY: fakeKey('google'),
    });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
  });
  afterAll(() => g?.close());

  it.each(['gpt-4o-mini', 'gemini-2.5-flash', 'claude-haiku-4-5'])(
    '%s: response_format json_schema gets JSON matching the schema',
    async (model) => {
      const completion = await client().chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Who?' }],
        response_format: RESPONSE_FORMAT,
      });
      expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual(EXPECTED_PERSON);
      expect(completion.choices[0]?.finish_reason).toBe('stop');
    },
  );

  it('streams the JSON too, and json_object gets a JSON object', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Who?' }],
      response_format: RESPONSE_FORMAT,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(text)).toEqual(EXPECTED_PERSON);

    const object = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(object.choices[0]?.message.content ?? '')).toEqual({});
  });

  it('Anthropic: response_format (a forced tool upstream) streams as JSON content; json_object gets a JSON object', async () => {
    const stream = await client().chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Who?' }],
      response_format: RESPONSE_FORMAT,
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(text)).toEqual(EXPECTED_PERSON);
    expect(finish).toBe('stop');

    const object = await client().chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(object.choices[0]?.message.content ?? '')).toBeTypeOf('object');
    expect(object.choices[0]?.message.tool_calls ?? []).toEqual([]);
  });

  it('a forced tool gets arguments matching its schema (Anthropic tool-forced structured output)', async () => {
    const tool: OpenAI.Chat.Completions.ChatCompletionTool = { type: 'function', function: { name: 'record_person', parameters: PERSON } };
    const completion = await client().chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Who?' }],
      tools: [WEATHER, tool],
      tool_choice: { type: 'function', function: { name: 'record_person' } },
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('record_person');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(EXPECTED_PERSON);
  });

  it.each([
    ['gpt-4o-mini', false],
    ['claude-haiku-4-5', true],
    ['gemini-2.5-flash', false],
    ['gemini-2.5-flash', true],
  ])('%s (stream %s): a two-step tool loop ends with text', async (model, stream) => {
    const messages: Message[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client()
      .chat.completions.stream({ model, messages, tools: [WEATHER], stream: true })
      .finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    if (!call) throw new Error('no tool call');
    messages.push(first.choices[0]?.message as Message, { role: 'tool', tool_call_id: call.id, content: '{"tempC":18,"sky":"clear"}' });

    let text: string;
    let finish: string | null | undefined;
    if (stream) {
      const final = await client()
        .chat.completions.stream({ model, messages, tools: [WEATHER], stream: true })
        .finalChatCompletion();
      text = final.choices[0]?.message.content ?? '';
      finish = final.choices[0]?.finish_reason;
    } else {
      const second = await client().chat.completions.create({ model, messages, tools: [WEATHER] });
      expect(second.choices[0]?.message.tool_calls ?? []).toEqual([]);
      text = second.choices[0]?.message.content ?? '';
      finish = second.choices[0]?.finish_reason;
    }
    expect(text).toBe('Done: {"tempC":18,"sky":"clear"}');
    expect(finish).toBe('stop');
  });
});
