import { describe, expect, it } from 'vitest';
import { type BuildContext, RequestTranslationError } from '../../server/providers/adapter.js';
import { ANTHROPIC_VERSION, createAnthropicAdapter } from '../../server/providers/anthropic/anthropic.adapter.js';
import { type ParsedChatRequest, parseChatRequest } from '../../server/providers/canonical-request.js';
import { brokenBytes, bytes, collect, fixture, fixtureJson, lastUsage, textOf } from '../support/provider-fixtures.js';

const adapter = createAnthropicAdapter();
const ctx: BuildContext = {
  baseUrl: 'https://api.anthropic.com',
  apiKey: 'sk-ant-x',
  upstreamModel: 'claude-sonnet-4-5-20250929',
  stream: false,
};
function parsed(body: Record<string, unknown>): ParsedChatRequest {
  const result = parseChatRequest({ model: 'claude-sonnet-4-5', ...body });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('Anthropic request translation', () => {
  it('hoists system prompts, sets headers and a default max_tokens', () => {
    const req = adapter.buildRequest(
      parsed({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
          { role: 'user', content: 'Hi' },
        ],
        stop: 'END',
        user: 'user-7',
        temperature: 0.3,
        top_k: 5,
        logit_bias: { '1': 1 },
      }),
      ctx,
    );
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.headers).toMatchObject({ 'x-api-key': 'sk-ant-x', 'anthropic-version': ANTHROPIC_VERSION });
    expect(req.headers).not.toHaveProperty('authorization');
    expect(JSON.parse(req.body)).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 4096,
      system: 'Be brief.\n\nUse metric units.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stream: false,
      temperature: 0.3,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      top_k: 5,
    });
  });

  it('translates tools, tool calls, tool results and images', () => {
    const req = adapter.buildRequest(
      parsed({
        max_tokens: 300,
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
        tool_choice: 'required',
        parallel_tool_calls: false,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
          { role: 'user', content: 'Thanks' },
        ],
      }),
      { ...ctx, stream: true },
    );
    const body = JSON.parse(req.body) as Record<string, unknown>;
    expect(body.max_tokens).toBe(300);
    expect(body.stream).toBe(true);
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      // The tool result and the next user turn merge into one user turn.
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('refuses what it cannot express', () => {
    const badArgs = parsed({
      messages: [{ role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }],
    });
    expect(() => adapter.buildRequest(badArgs, ctx)).toThrow(RequestTranslationError);
    const audio = parsed({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] });
    expect(() => adapter.buildRequest(audio, ctx)).toThrow(/input_audio/);
  });
});

describe('Anthropic responses', () => {
  it('parses text with cache-read usage (input includes cached)', () => {
    const events = adapter.parseResponse(fixtureJson('anthropic', 'text.json'));
    expect(events[0]).toEqual({ type: 'start', id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5-20250929' });
    expect(textOf(events)).toBe('Hello! How can I help you today?');
    expect(lastUsage(events)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('parses tool_use blocks', () => {
    const events = adapter.parseResponse(fixtureJson('anthropic', 'tools.json'));
    expect(textOf(events)).toBe('Let me check the weather.');
    expect(events).toContainEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'toolu_01A09q90qw90lq917835lq9',
      name: 'get_weather',
      argumentsDelta: '{"city":"Paris"}',
    });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('maps stop reasons', () => {
    const reason = (stop_reason: string) =>
      adapter.parseResponse({ id: 'm', content: [], stop_reason, usage: { input_tokens: 1, output_tokens: 1 } }).at(-1);
    expect(reason('max_tokens')).toEqual({ type: 'finish', reason: 'length' });
    expect(reason('stop_sequence')).toEqual({ type: 'finish', reason: 'stop' });
    expect(reason('refusal')).toEqual({ type: 'finish', reason: 'content_filter' });
  });

  it('streams text with usage from message_start and message_delta', async () => {
    const events = await collect(adapter.parseStream(bytes(fixture('anthropic', 'text.sse'), 11)));
    expect(events[0]).toMatchObject({ type: 'start', id: 'msg_01XFDUDYJgAACzvnptvVoYEL' });
    expect(textOf(events)).toBe('Hello! How can I help you today?');
    expect(lastUsage(events)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    expect(events).toContainEqual({ type: 'finish', reason: 'stop' });
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });

  it('streams tool input as argument deltas', async () => {
    const events = await collect(adapter.parseStream(bytes(fixture('anthropic', 'tools.sse'))));
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    expect(deltas[0]).toEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'toolu_01A09q90qw90lq917835lq9',
      name: 'get_weather',
      argumentsDelta: '',
    });
    expect(deltas.map((d) => d.argumentsDelta).join('')).toBe('{"city":"Paris"}');
    expect(events).toContainEqual({ type: 'finish', reason: 'tool_calls' });
    expect(lastUsage(events)).toMatchObject({ inputTokens: 80, outputTokens: 18 });
  });

  it('turns stream error events, malformed chunks and cuts into error events', async () => {
    const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    expect(await collect(adapter.parseStream(bytes(overloaded)))).toEqual([
      { type: 'error', failureClass: 'UPSTREAM_ERROR', message: 'Overloaded' },
    ]);
    const malformed = 'event: message_start\ndata: {"type":"message_start"}\n\n';
    expect((await collect(adapter.parseStream(bytes(malformed)))).at(-1)).toMatchObject({ type: 'error', failureClass: 'UPSTREAM_ERROR' });
    const cut = await collect(adapter.parseStream(brokenBytes(fixture('anthropic', 'text.sse').slice(0, 900))));
    expect(cut.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
    expect(lastUsage(cut)).toMatchObject({ inputTokens: 25 });
  });
});

describe('Anthropic errors', () => {
  it.each([
    ['error-unauthorized.json', 'AUTH'],
    ['error-forbidden.json', 'AUTH'],
    ['error-rate-limit.json', 'RATE_LIMIT'],
    ['error-quota.json', 'QUOTA'],
    ['error-server.json', 'UPSTREAM_ERROR'],
    ['error-overloaded.json', 'UPSTREAM_ERROR'],
  ])('%s → %s', (file, expected) => {
    const { status, body } = fixtureJson<{ status: number; body: unknown }>('anthropic', file);
    const failure = adapter.classifyError({ status, body: JSON.stringify(body), headers: { 'retry-after': '3' } });
    expect(failure.failureClass).toBe(expected);
    expect(failure.message).toBe((body as { error: { message: string } }).error.message);
    expect(failure.retryAfterMs).toBe(3000);
  });
});
