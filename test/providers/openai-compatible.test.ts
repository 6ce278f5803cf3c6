import { describe, expect, it } from 'vitest';
import type { BuildContext } from '../../server/providers/adapter.js';
import { type ParsedChatRequest, parseChatRequest } from '../../server/providers/canonical-request.js';
import { createMistralAdapter, mistralToolCallId } from '../../server/providers/mistral/mistral.adapter.js';
import { createOpenAiAdapter } from '../../server/providers/openai/openai.adapter.js';
import { getProvider } from '../../server/providers/registry.js';
import { brokenBytes, bytes, collect, fixture, fixtureJson, lastUsage, textOf } from '../support/provider-fixtures.js';

function parsed(body: Record<string, unknown>): ParsedChatRequest {
  const result = parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], ...body });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
const ctx = (over: Partial<BuildContext> = {}): BuildContext => ({
  baseUrl: 'https://api.openai.com/v1/',
  apiKey: 'sk-test',
  upstreamModel: 'gpt-4o-mini',
  stream: false,
  ...over,
});
const bodyOf = (raw: string) => JSON.parse(raw) as Record<string, unknown>;
const openai = createOpenAiAdapter();

describe('OpenAI-compatible request translation', () => {
  it('builds url, auth and body; extras pass for OpenAI', () => {
    const req = openai.buildRequest(parsed({ temperature: 0.5, logit_bias: { '5': 1 }, max_completion_tokens: 50 }), ctx());
    expect(req.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    const body = bodyOf(req.body);
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: false,
      temperature: 0.5,
      logit_bias: { '5': 1 },
      max_completion_tokens: 50,
    });
    expect(body).not.toHaveProperty('stream_options');
  });

  it('passes nested fields it does not model through to OpenAI-shaped upstreams', () => {
    const request = parsed({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }],
      stream_options: { include_usage: false, include_obfuscation: false },
    });
    const body = bodyOf(openai.buildRequest(request, ctx({ stream: true })).body);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }]);
    expect(body.stream_options).toEqual({ include_usage: true, include_obfuscation: false });
  });

  it('asks for usage in streams itself and keeps the client option', () => {
    const body = bodyOf(openai.buildRequest(parsed({ stream: false }), ctx({ stream: true })).body);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('applies groq/deepseek quirks from the registry config', () => {
    const groq = getProvider('groq')?.adapter;
    const groqBody = bodyOf(
      groq!.buildRequest(
        parsed({ logit_bias: { '1': 1 }, reasoning_format: 'hidden', messages: [{ role: 'developer', content: 'x' }] }),
        ctx(),
      ).body,
    );
    expect(groqBody).not.toHaveProperty('logit_bias');
    expect(groqBody.reasoning_format).toBe('hidden');
    expect((groqBody.messages as { role: string }[])[0]?.role).toBe('system');
    const deepseek = getProvider('deepseek')?.adapter;
    const dsBody = bodyOf(deepseek!.buildRequest(parsed({ max_completion_tokens: 9 }), ctx()).body);
    expect(dsBody).toMatchObject({ max_tokens: 9 });
    expect(dsBody).not.toHaveProperty('max_completion_tokens');
  });

  it('rewrites Mistral fields', () => {
    const mistral = createMistralAdapter();
    const request = parsed({
      seed: 7,
      user: 'u1',
      tool_choice: 'required',
      safe_prompt: true,
      top_k: 3,
      tools: [{ type: 'function', function: { name: 'f' } }],
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', content: 'r' },
      ],
    });
    const body = bodyOf(mistral.buildRequest(request, ctx({ stream: true })).body);
    expect(body).toMatchObject({ random_seed: 7, tool_choice: 'any', safe_prompt: true });
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('user');
    expect(body).not.toHaveProperty('top_k');
    expect(body).not.toHaveProperty('stream_options');
    const messages = body.messages as { tool_calls?: { id: string }[]; tool_call_id?: string }[];
    const id = messages[1]?.tool_calls?.[0]?.id;
    expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(messages[2]?.tool_call_id).toBe(id);
    expect(mistralToolCallId('abcDEF123')).toBe('abcDEF123');
  });
});

describe('OpenAI-compatible responses', () => {
  it('parses a text completion with cached usage', () => {
    const events = openai.parseResponse(fixtureJson('openai', 'text.json'));
    expect(events[0]).toEqual({ type: 'start', id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', model: 'gpt-4o-mini-2024-07-18' });
    expect(textOf(events)).toBe('Hello! How can I help you today?');
    expect(lastUsage(events)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('parses tool calls', () => {
    const events = openai.parseResponse(fixtureJson('openai', 'tools.json'));
    expect(events).toContainEqual({
      type: 'tool-call-delta',
      index: 0,
      id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
      name: 'get_weather',
      argumentsDelta: '{"city":"Paris"}',
    });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('reads DeepSeek cache-hit usage', () => {
    const events = getProvider('deepseek')!.adapter.parseResponse(fixtureJson('deepseek', 'text.json'));
    expect(lastUsage(events)).toMatchObject({ inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
  });

  it('turns a malformed body into an error event', () => {
    expect(openai.parseResponse({ choices: 'no' })).toEqual([
      { type: 'error', failureClass: 'UPSTREAM_ERROR', message: 'Malformed completion from upstream' },
    ]);
  });
});

describe('OpenAI-compatible streams', () => {
  it('parses text chunks, finish and the usage chunk', async () => {
    const events = await collect(openai.parseStream(bytes(fixture('openai', 'text.sse'))));
    expect(events[0]).toMatchObject({ type: 'start', model: 'gpt-4o-mini-2024-07-18' });
    expect(textOf(events)).toBe('Hello! How can I help you today?');
    expect(events.filter((e) => e.type === 'finish')).toEqual([{ type: 'finish', reason: 'stop' }]);
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 });
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });

  it('parses streamed tool call arguments', async () => {
    const events = await collect(openai.parseStream(bytes(fixture('openai', 'tools.sse'), 3)));
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    expect(deltas[0]).toMatchObject({ index: 0, id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather' });
    expect(deltas.map((d) => d.argumentsDelta).join('')).toBe('{"city":"Paris"}');
    expect(events).toContainEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('reads Groq x_groq usage and Mistral last-chunk usage', async () => {
    const groq = await collect(getProvider('groq')!.adapter.parseStream(bytes(fixture('groq', 'text.sse'))));
    expect(lastUsage(groq)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 0, outputTokens: 9 });
    const mistral = await collect(createMistralAdapter().parseStream(bytes(fixture('mistral', 'text.sse'))));
    expect(textOf(mistral)).toBe('Hello! How can I help you today?');
    expect(lastUsage(mistral)).toMatchObject({ inputTokens: 25, outputTokens: 9 });
  });

  it('accepts a last event without its blank line', async () => {
    const text = 'data: {"id":"x","choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]';
    const events = await collect(openai.parseStream(bytes(text)));
    expect(textOf(events)).toBe('Hi');
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });

  it('ends with an error event on a malformed chunk, and stops there', async () => {
    const text =
      'data: {"id":"x","choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {not json\n\ndata: {"choices":[{"delta":{"content":"never"}}]}\n\n';
    const events = await collect(openai.parseStream(bytes(text)));
    expect(textOf(events)).toBe('Hi');
    expect(events.at(-1)).toMatchObject({ type: 'error', failureClass: 'UPSTREAM_ERROR' });
  });

  it('reports an in-stream error object in its class', async () => {
    const text = 'data: {"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}\n\n';
    const events = await collect(openai.parseStream(bytes(text)));
    expect(events).toEqual([{ type: 'error', failureClass: 'RATE_LIMIT', message: 'Rate limit reached' }]);
  });

  it('reports a broken or truncated stream as STREAM_INTERRUPTED', async () => {
    const full = fixture('openai', 'text.sse');
    const broken = await collect(openai.parseStream(brokenBytes(full.slice(0, 600))));
    expect(broken.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
    expect(broken.at(-1)).toMatchObject({ message: expect.stringContaining('UND_ERR_SOCKET') });
    const truncated = await collect(openai.parseStream(bytes(`${full.split('\n\n').slice(0, 4).join('\n\n')}\n\n`)));
    expect(truncated.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
  });
});

describe('OpenAI-compatible errors', () => {
  const classify = (provider: string, file: string, headers?: Record<string, string>) => {
    const { status, body } = fixtureJson<{ status: number; body: unknown }>(provider, file);
    const adapter = provider === 'mistral' ? createMistralAdapter() : openai;
    return adapter.classifyError({ status, body: JSON.stringify(body), headers });
  };
  it.each([
    ['openai', 'error-unauthorized.json', 'AUTH'],
    // "You are not allowed to sample from this model": one model, not the key.
    ['openai', 'error-forbidden.json', 'BAD_REQUEST'],
    ['openai', 'error-rate-limit.json', 'RATE_LIMIT'],
    ['openai', 'error-quota.json', 'QUOTA'],
    ['openai', 'error-server.json', 'UPSTREAM_ERROR'],
    ['deepseek', 'error-quota.json', 'QUOTA'],
    ['mistral', 'error-unauthorized.json', 'AUTH'],
    ['mistral', 'error-rate-limit.json', 'RATE_LIMIT'],
    ['mistral', 'error-bad-request.json', 'BAD_REQUEST'],
  ])('%s %s → %s', (provider, file, expected) => {
    expect(classify(provider, file).failureClass).toBe(expected);
  });

  it('keeps the upstream message and Retry-After', () => {
    const failure = classify('openai', 'error-rate-limit.json', { 'retry-after': '20' });
    expect(failure.message).toContain('Rate limit reached for gpt-4o-mini');
    expect(failure.retryAfterMs).toBe(20000);
  });

  it('copes with non-JSON bodies', () => {
    expect(openai.classifyError({ status: 502, body: '<html>Bad Gateway</html>' })).toEqual({
      failureClass: 'UPSTREAM_ERROR',
      message: '<html>Bad Gateway</html>',
    });
  });
});
