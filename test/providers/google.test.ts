import { describe, expect, it } from 'vitest';
import { type BuildContext, RequestTranslationError } from '../../server/providers/adapter.js';
import { type ParsedChatRequest, parseChatRequest } from '../../server/providers/canonical-request.js';
import { createGoogleAdapter } from '../../server/providers/google/google.adapter.js';
import { brokenBytes, bytes, collect, fixture, fixtureJson, lastUsage, textOf } from '../support/provider-fixtures.js';

const adapter = createGoogleAdapter();
const ctx: BuildContext = {
  baseUrl: 'https://generativelanguage.googleapis.com/',
  apiKey: 'AIza-test',
  upstreamModel: 'gemini-2.5-flash',
  stream: false,
};
function parsed(body: Record<string, unknown>): ParsedChatRequest {
  const result = parseChatRequest({ model: 'gemini-2.5-flash', ...body });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('Gemini request translation', () => {
  it('uses generateContent / streamGenerateContent?alt=sse with x-goog-api-key', () => {
    const plain = adapter.buildRequest(parsed({ messages: [{ role: 'user', content: 'Hi' }] }), ctx);
    expect(plain.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(plain.headers['x-goog-api-key']).toBe('AIza-test');
    const streamed = adapter.buildRequest(parsed({ messages: [{ role: 'user', content: 'Hi' }] }), { ...ctx, stream: true });
    expect(streamed.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('translates system, generation config, tools and the tool round trip', () => {
    const req = adapter.buildRequest(
      parsed({
        temperature: 0.1,
        top_p: 0.9,
        max_completion_tokens: 200,
        stop: ['END'],
        seed: 3,
        top_k: 20,
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' } } },
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather?' },
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            ],
          },
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_0_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_0_get_weather', content: '{"tempC":18}' },
          { role: 'tool', tool_call_id: 'call_0_get_weather', content: 'plain text' },
        ],
      }),
      ctx,
    );
    expect(JSON.parse(req.body)).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { tempC: 18 } } },
            { functionResponse: { name: 'get_weather', response: { content: 'plain text' } } },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather',
              parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: {
        temperature: 0.1,
        topP: 0.9,
        topK: 20,
        maxOutputTokens: 200,
        stopSequences: ['END'],
        seed: 3,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
      },
    });
  });

  it('refuses remote image URLs and unknown tool ids', () => {
    const remote = parsed({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] });
    expect(() => adapter.buildRequest(remote, ctx)).toThrow(RequestTranslationError);
    const orphan = parsed({ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] });
    expect(() => adapter.buildRequest(orphan, ctx)).toThrow(/unknown tool_call_id/);
  });
});

describe('Gemini responses', () => {
  it('parses text with cached usage', () => {
    const events = adapter.parseResponse(fixtureJson('google', 'text.json'));
    expect(events[0]).toEqual({ type: 'start', id: 'mKbJaPXgLbWVz7IPn8LvuAc', model: 'gemini-2.5-flash' });
    expect(textOf(events)).toBe('Hello! How can I help you today?');
    expect(lastUsage(events)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('parses function calls as tool calls with generated ids', () => {
    const events = adapter.parseResponse(fixtureJson('google', 'tools.json'));
    expect(events).toContainEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'call_0_get_weather',
      name: 'get_weather',
      argumentsDelta: '{"city":"Paris"}',
    });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('maps finish reasons and prompt blocks', () => {
    const finish = (finishReason: string) =>
      adapter.parseResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason }] }).at(-1);
    expect(finish('MAX_TOKENS')).toEqual({ type: 'finish', reason: 'length' });
    expect(finish('SAFETY')).toEqual({ type: 'finish', reason: 'content_filter' });
    expect(finish('OTHER')).toEqual({ type: 'finish', reason: 'stop' });
    expect(adapter.parseResponse({ promptFeedback: { blockReason: 'SAFETY' } }).at(-1)).toEqual({
      type: 'finish',
      reason: 'content_filter',
    });
  });

  it('streams text (CRLF-separated events) and keeps the final usage', async () => {
    const events = await collect(adapter.parseStream(bytes(fixture('google', 'text.sse'), 5)));
    expect(textOf(events)).toBe('Hello! How can I help you today?');
    expect(lastUsage(events)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    expect(events.filter((e) => e.type === 'finish')).toEqual([{ type: 'finish', reason: 'stop' }]);
  });

  it('streams function calls', async () => {
    const events = await collect(adapter.parseStream(bytes(fixture('google', 'tools.sse'))));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'tool-call-delta', name: 'get_weather', argumentsDelta: '{"city":"Paris"}' }),
    );
    expect(events).toContainEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('turns malformed chunks and cuts into error events', async () => {
    const malformed = await collect(adapter.parseStream(bytes('data: {"candidates": 5}\r\n\r\n')));
    expect(malformed.at(-1)).toMatchObject({ type: 'error', failureClass: 'UPSTREAM_ERROR' });
    const firstEvent = `${fixture('google', 'text.sse').split('\r\n\r\n')[0]}\r\n\r\n`;
    const cut = await collect(adapter.parseStream(brokenBytes(firstEvent)));
    expect(textOf(cut)).toBe('Hello! How');
    expect(cut.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
    const ended = await collect(adapter.parseStream(bytes(firstEvent)));
    expect(ended.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
  });
});

describe('Gemini errors', () => {
  it.each([
    ['error-unauthorized.json', 'AUTH', undefined],
    ['error-forbidden.json', 'AUTH', undefined],
    ['error-rate-limit.json', 'RATE_LIMIT', 23000],
    ['error-quota.json', 'QUOTA', undefined],
    ['error-server.json', 'UPSTREAM_ERROR', undefined],
  ])('%s → %s', (file, expected, retryAfterMs) => {
    const { status, body } = fixtureJson<{ status: number; body: unknown }>('google', file);
    const failure = adapter.classifyError({ status, body: JSON.stringify(body) });
    expect(failure.failureClass).toBe(expected);
    expect(failure.retryAfterMs).toBe(retryAfterMs);
    expect(failure.message).toBe((body as { error: { message: string } }).error.message);
  });
});
