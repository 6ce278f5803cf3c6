import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../../tools/simulator/upstream-simulator.js';

const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string', enum: ['Lyon'] }, n: { type: 'integer' } },
  required: ['city', 'n'],
};
const EXPECTED = { city: 'Lyon', n: 0 };

let sim: UpstreamSimulator;
beforeAll(async () => {
  sim = await startUpstreamSimulator();
});
afterAll(() => sim?.close());

async function post(path: string, body: unknown): Promise<string> {
  const res = await request(`${sim.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(200);
  return res.body.text();
}

/** The JSON payloads of an SSE body. */
const events = (text: string) =>
  [...text.matchAll(/^data: (.+)$/gm)]
    .map((m) => m[1] as string)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d));

describe('the simulator answers structured output per wire format', () => {
  it('Anthropic: output_format json_schema as text, a forced tool as tool_use with matching input (plain and streamed)', async () => {
    const text = JSON.parse(
      await post('/anthropic/v1/messages', { model: 'c', messages: [], output_format: { type: 'json_schema', schema: SCHEMA } }),
    );
    expect(JSON.parse(text.content[0].text)).toEqual(EXPECTED);

    const forced = {
      model: 'c',
      messages: [],
      tools: [{ name: 'pick', input_schema: SCHEMA }],
      tool_choice: { type: 'tool', name: 'pick' },
    };
    const plain = JSON.parse(await post('/anthropic/v1/messages', forced));
    expect(plain.content.find((b: { type: string }) => b.type === 'tool_use')).toMatchObject({ name: 'pick', input: EXPECTED });
    const streamed = events(await post('/anthropic/v1/messages', { ...forced, stream: true }));
    expect(streamed.find((e) => e.content_block?.type === 'tool_use')?.content_block.name).toBe('pick');
    const json = streamed.map((e) => e.delta?.partial_json ?? '').join('');
    expect(JSON.parse(json)).toEqual(EXPECTED);
  });

  it('Gemini: responseMimeType application/json with responseSchema or responseJsonSchema (plain and streamed)', async () => {
    const openApi = { type: 'OBJECT', properties: { city: { type: 'STRING', enum: ['Lyon'] }, n: { type: 'INTEGER' } } };
    const plain = JSON.parse(
      await post('/google/v1beta/models/g:generateContent', {
        contents: [],
        generationConfig: { responseMimeType: 'application/json', responseSchema: openApi },
      }),
    );
    expect(JSON.parse(plain.candidates[0].content.parts[0].text)).toEqual(EXPECTED);
    const streamed = events(
      await post('/google/v1beta/models/g:streamGenerateContent', {
        contents: [],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: SCHEMA },
      }),
    );
    const text = streamed.map((e) => e.candidates?.[0]?.content?.parts?.[0]?.text ?? '').join('');
    expect(JSON.parse(text)).toEqual(EXPECTED);
    expect(streamed.at(-1)?.usageMetadata?.candidatesTokenCount).toBe(9);
  });

  it('OpenAI-compatible providers without their own tools fixture still call the forced function', async () => {
    const body = {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'pick', parameters: SCHEMA } }],
      tool_choice: { type: 'function', function: { name: 'pick' } },
    };
    const plain = JSON.parse(await post('/groq/openai/v1/chat/completions', body));
    expect(plain.choices[0].message.tool_calls[0].function).toEqual({ name: 'pick', arguments: JSON.stringify(EXPECTED) });
  });
});

describe('the simulator ends tool loops in text per wire format', () => {
  it('OpenAI: a trailing role tool message (streamed)', async () => {
    const body = {
      model: 'm',
      stream: true,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
      messages: [
        { role: 'user', content: 'w?' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'sunny' }] },
      ],
    };
    const streamed = events(await post('/openai/v1/chat/completions', body));
    expect(streamed.map((e) => e.choices?.[0]?.delta?.content ?? '').join('')).toBe('Done: sunny');
    expect(streamed.some((e) => e.choices?.[0]?.delta?.tool_calls)).toBe(false);
  });

  it('Anthropic: a tool_result block in the last user message', async () => {
    const body = {
      model: 'c',
      tools: [{ name: 'get_weather', input_schema: {} }],
      messages: [
        { role: 'user', content: 'w?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'rain' }] },
      ],
    };
    const plain = JSON.parse(await post('/anthropic/v1/messages', body));
    expect(plain.content).toEqual([{ type: 'text', text: 'Done: rain' }]);
    expect(plain.stop_reason).toBe('end_turn');
  });

  it('Gemini: a functionResponse part in the last content', async () => {
    const body = {
      tools: [{ functionDeclarations: [{ name: 'get_weather' }] }],
      contents: [
        { role: 'user', parts: [{ text: 'w?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'grey' } } }] },
      ],
    };
    const plain = JSON.parse(await post('/google/v1beta/models/g:generateContent', body));
    expect(plain.candidates[0].content.parts).toEqual([{ text: 'Done: {"sky":"grey"}' }]);
  });
});
