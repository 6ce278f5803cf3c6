import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accumulateEvents,
  createStreamShaper,
  openAiErrorBody,
  toChatCompletion,
} from '../../../../server/gateway/front-doors/openai-chat/chat-completion.renderer.js';
import type { ProviderEvent } from '../../../../server/providers/events.js';

const context = { id: 'chatcmpl-kp-1', model: 'gpt-4o-mini', created: 1_763_000_000 };

const textEvents: ProviderEvent[] = [
  { type: 'start', id: 'up-1', model: 'gpt-4o-mini-2024-07-18' },
  { type: 'text-delta', text: 'Hello' },
  { type: 'text-delta', text: ' world' },
  { type: 'finish', reason: 'stop' },
  { type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 },
];
const toolEvents: ProviderEvent[] = [
  { type: 'start' },
  { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'get_weather', argumentsDelta: '' },
  { type: 'tool-call-delta', index: 1, id: 'call_b', name: 'get_time', argumentsDelta: '{}' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
  { type: 'usage', inputTokens: 80, cachedInputTokens: 0, outputTokens: 18 },
  { type: 'finish', reason: 'tool_calls' },
];

/** Parse SSE text into its data payloads. */
function frames(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((f) => f.replace(/^data: /, ''))
    .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as unknown)));
}

function stream(events: ProviderEvent[], includeUsage: boolean): string {
  const shaper = createStreamShaper({ ...context, includeUsage });
  return events.map((e) => shaper.push(e)).join('') + shaper.end();
}

describe('toChatCompletion', () => {
  it('builds a chat.completion with usage and cached tokens', () => {
    expect(toChatCompletion(textEvents, context)).toEqual({
      id: 'chatcmpl-kp-1',
      object: 'chat.completion',
      created: 1_763_000_000,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 25, completion_tokens: 9, total_tokens: 34, prompt_tokens_details: { cached_tokens: 10 } },
    });
  });

  it('assembles tool calls by index', () => {
    const completion = toChatCompletion(toolEvents, context);
    expect(completion.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
  });

  it('accumulates errors for settlement', () => {
    const acc = accumulateEvents([...textEvents.slice(0, 2), { type: 'error', failureClass: 'STREAM_INTERRUPTED', message: 'cut' }]);
    expect(acc).toMatchObject({ text: 'Hello', error: { failureClass: 'STREAM_INTERRUPTED', message: 'cut' } });
    expect(acc.usage).toBeUndefined();
  });
});

describe('createStreamShaper', () => {
  it('writes role, content, finish, usage and [DONE]', () => {
    const out = frames(stream(textEvents, true));
    expect(out[0]).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(out[1]).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
    expect(out[3]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(out[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 25, prompt_tokens_details: { cached_tokens: 10 } } });
    expect(out.at(-1)).toBe('[DONE]');
    expect(out).toHaveLength(6);
  });

  it('strips usage when the client did not ask for it', () => {
    const out = frames(stream(textEvents, false));
    expect(out.some((f) => typeof f === 'object' && f !== null && 'usage' in f)).toBe(false);
    expect(out.at(-1)).toBe('[DONE]');
  });

  it('ends with an OpenAI error frame and no [DONE] after an error', () => {
    const shaper = createStreamShaper({ ...context, includeUsage: true });
    const text =
      shaper.push({ type: 'text-delta', text: 'Hel' }) +
      shaper.push({ type: 'error', failureClass: 'STREAM_INTERRUPTED', message: 'Upstream stream broke' }) +
      shaper.push({ type: 'text-delta', text: 'ignored' }) +
      shaper.end();
    const out = frames(text);
    expect(out.at(-1)).toEqual(openAiErrorBody('STREAM_INTERRUPTED', 'Upstream stream broke'));
    expect(out).not.toContain('[DONE]');
    expect(openAiErrorBody('QUOTA', 'x').error).toEqual({ message: 'x', type: 'insufficient_quota', code: 'quota', param: null });
  });
});

const reasoningEvents: ProviderEvent[] = [
  { type: 'start' },
  { type: 'reasoning-delta', text: 'The user greets; ' },
  { type: 'reasoning-delta', text: 'greet back.' },
  { type: 'reasoning-delta', text: '', signature: 'EqQBCgIYAh…' },
  { type: 'redacted-reasoning', data: 'EmwKAhgBEgy3va3…' },
  { type: 'text-delta', text: 'Hello' },
  { type: 'finish', reason: 'stop' },
  { type: 'usage', inputTokens: 25, cachedInputTokens: 0, outputTokens: 62, reasoningTokens: 40 },
];

describe('reasoning as reasoning_content (DeepSeek’s field)', () => {
  it('puts the reasoning text on the message; signatures and redacted reasoning are not shown', () => {
    const completion = toChatCompletion(reasoningEvents, context);
    expect(completion.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 40 });
    const message = completion.choices[0].message;
    expect(message).toEqual({ role: 'assistant', content: 'Hello', reasoning_content: 'The user greets; greet back.', refusal: null });
  });

  it('leaves the field out when there was no reasoning', () => {
    expect(toChatCompletion(textEvents, context).choices[0].message).not.toHaveProperty('reasoning_content');
  });

  it('streams reasoning deltas before the content, one chunk per delta with text', () => {
    const out = frames(stream(reasoningEvents, false)) as { choices: { delta: Record<string, unknown> }[] }[];
    const deltas = out.slice(0, -1).map((frame) => frame.choices[0]?.delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'The user greets; ' },
      { reasoning_content: 'greet back.' },
      { content: 'Hello' },
      {},
    ]);
  });
});

describe('the openai npm client reads what the Chat Completions renderer writes', () => {
  let server: Server;
  let client: OpenAI;
  const seen: unknown[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { stream?: boolean; stream_options?: { include_usage?: boolean }; model: string };
        seen.push(body);
        const events = body.model === 'tools' ? toolEvents : textEvents;
        if (!body.stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify(toChatCompletion(events, context)));
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const shaper = createStreamShaper({ ...context, includeUsage: body.stream_options?.include_usage === true });
        const list: ProviderEvent[] =
          body.model === 'broken'
            ? [textEvents[0]!, textEvents[1]!, { type: 'error', failureClass: 'STREAM_INTERRUPTED', message: 'Upstream stream broke' }]
            : events;
        for (const event of list) res.write(shaper.push(event));
        res.end(shaper.end());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: 'kp_test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parses a non-streaming completion', async () => {
    const completion = await client.chat.completions.create({ model: 'text', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello world');
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(10);
  });

  it('parses a stream with usage and tool calls', async () => {
    const chunks = await client.chat.completions.create({
      model: 'tools',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const args: Record<number, string> = {};
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of chunks) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? [])
        args[call.index] = (args[call.index] ?? '') + (call.function?.arguments ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(args).toEqual({ 0: '{"city":"Paris"}', 1: '{}' });
    expect(finish).toBe('tool_calls');
    expect(usage).toMatchObject({ prompt_tokens: 80, completion_tokens: 18, total_tokens: 98 });
  });

  it('surfaces a mid-stream error frame as an APIError', async () => {
    const chunks = await client.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    const consume = async () => {
      for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow(/Upstream stream broke/);
    expect(text).toBe('Hello');
  });
});
