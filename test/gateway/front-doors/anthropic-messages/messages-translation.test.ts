import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anthropicMessagesFrontDoor as door } from '../../../../server/gateway/front-doors/anthropic-messages/anthropic-messages.front-door.js';
import { messagesPassThrough } from '../../../../server/gateway/front-doors/anthropic-messages/messages-pass-through.js';
import type { RenderContext } from '../../../../server/gateway/front-doors/front-door.js';
import { RequestRun } from '../../../../server/gateway/request-run.js';
import { parseMessage, parseMessageStream } from '../../../../server/providers/anthropic/parse-response.js';
import type { ProviderEvent } from '../../../../server/providers/events.js';
import { FIXTURES_DIR, sseEvents } from '../../../../tools/simulator/fixture-store.js';

const fixture = (file: string) => readFileSync(`${FIXTURES_DIR}anthropic/${file}`, 'utf8');
const agentRequest = JSON.parse(readFileSync(new URL('../../../fixtures/anthropic-messages/agent-request.json', import.meta.url), 'utf8'));
const context: RenderContext = { requestId: 'req-1', model: 'claude-sonnet-4-5', created: 1_700_000_000, includeUsage: false };

async function streamEvents(sse: string, cutAfter?: number): Promise<ProviderEvent[]> {
  const chunks = sseEvents(sse).slice(0, cutAfter);
  const body = (async function* () {
    for (const chunk of chunks) yield new TextEncoder().encode(chunk);
  })();
  const events: ProviderEvent[] = [];
  for await (const event of parseMessageStream(body)) events.push(event);
  return events;
}

/** SSE text → `[event name, data]` pairs. */
function frames(sse: string): [string, Record<string, unknown>][] {
  return sseEvents(sse).map((frame) => {
    const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
    return [event, JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null')];
  });
}

function render(events: ProviderEvent[]): string {
  const renderer = door.streamRenderer(context);
  const last = events.at(-1);
  const body = events.filter((event) => event.type !== 'error').map((event) => renderer.push(event));
  return body.join('') + (last?.type === 'error' ? renderer.error(last.failureClass, last.message) : renderer.end());
}

describe('Messages request → canonical request', () => {
  it("translates an agent's request: system blocks, image, tool use and result, tools and tool_choice", () => {
    const parsed = door.parse(agentRequest);
    if (!parsed.ok) throw new Error(parsed.message);
    const { request, extra } = parsed.value;
    expect(request).toMatchObject({
      model: 'claude-opus-4-8',
      max_completion_tokens: 32000,
      stream: true,
      temperature: 1,
      stop: ['\n\nHuman:'],
      user: 'user_7f3a_account_session_42',
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });
    expect(request.messages).toEqual([
      { role: 'system', content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nAnswer concisely." },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is the weather in Paris? Here is a photo.' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me check the weather.',
        tool_calls: [
          { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      // The tool result must follow the assistant's call; the user's text comes after it.
      { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees, cloudy' },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
    expect(request.tools?.map((tool) => tool.function.name)).toEqual(['get_weather']);
    expect(request.tools?.[0]?.function.parameters).toEqual(agentRequest.tools[0].input_schema);
    // Nothing Anthropic-only leaks to an OpenAI-shaped upstream as an unknown field.
    expect(extra).toEqual({});
    expect(parsed.droppedTools).toEqual(['web_search']);
    expect(parsed.raw).toBe(agentRequest);
  });

  it('names cache_control as dropped wherever a block carries it, and only then', () => {
    const CACHE = 'cache_control (prompt caching is automatic or absent elsewhere)';
    const dropped = (body: unknown) => {
      const parsed = door.parse(body);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.dropped ?? [];
    };
    expect(dropped(agentRequest)).toContain(CACHE);
    const base = { model: 'claude-opus-4-8', max_tokens: 100 };
    // The words in a prompt are not the member.
    expect(dropped({ ...base, messages: [{ role: 'user', content: 'what does "cache_control" do? {"cache_control":1}' }] })).not.toContain(
      CACHE,
    );
    // Deep inside a tool result's content.
    const deep = {
      ...base,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok', cache_control: { type: 'ephemeral' } }] },
          ],
        },
      ],
    };
    expect(dropped(deep)).toContain(CACHE);
  });

  it('maps tool_choice any / tool / none and is_error results', () => {
    const base = { model: 'm', max_tokens: 10, tools: [{ name: 'f', input_schema: { type: 'object' } }] };
    const choice = (tool_choice: unknown) => {
      const parsed = door.parse({ ...base, tool_choice, messages: [{ role: 'user', content: 'hi' }] });
      return parsed.ok ? parsed.value.request.tool_choice : parsed.message;
    };
    expect(choice({ type: 'any' })).toBe('required');
    expect(choice({ type: 'tool', name: 'f' })).toEqual({ type: 'function', function: { name: 'f' } });
    expect(choice({ type: 'none' })).toBe('none');
    const parsed = door.parse({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true }] }],
    });
    expect(parsed.ok && parsed.value.request.messages).toEqual([{ role: 'tool', tool_call_id: 't1', content: 'Error: boom' }]);
  });

  it("keeps a mid-conversation system turn (Claude Code's mid-conversation-system beta) in place", () => {
    const parsed = door.parse({
      model: 'm',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Agent types: claude' },
      ],
    });
    expect(parsed.ok && parsed.value.request.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'Agent types: claude' },
    ]);
  });

  it('refuses what no upstream could take, with a sentence for the 400', () => {
    const missing = door.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(missing).toEqual({ ok: false, message: 'max_tokens: Field required' });
    const role = door.parse({ model: 'm', max_tokens: 5, messages: [{ role: 'tool', content: 'hi' }] });
    expect(!role.ok && role.message).toMatch(/^Invalid request: messages\[0\]\.role/);
    expect(door.parse([])).toEqual({ ok: false, message: 'The request body must be a JSON object.' });
  });
});

describe('canonical events → Messages answers', () => {
  it.each(['text', 'tools'])('%s: a recorded Anthropic message survives adapter → front door', (name) => {
    const recorded = JSON.parse(fixture(`${name}.json`));
    const message = door.renderResponse(parseMessage(recorded), context) as Record<string, unknown>;
    expect(message).toMatchObject({
      id: recorded.id,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: recorded.content,
      stop_reason: recorded.stop_reason,
      stop_sequence: null,
    });
    expect(message.usage).toMatchObject({
      input_tokens: recorded.usage.input_tokens,
      cache_read_input_tokens: recorded.usage.cache_read_input_tokens,
      cache_creation_input_tokens: 0,
      output_tokens: recorded.usage.output_tokens,
    });
  });

  it('usage with cache reads and 5-minute and 1-hour writes: input_tokens counts only the uncached rest', () => {
    const message = door.renderResponse(
      [
        { type: 'text-delta', text: 'ok' },
        { type: 'usage', inputTokens: 1000, cachedInputTokens: 600, cacheWriteTokens: 300, cacheWrite1hTokens: 50, outputTokens: 7 },
        { type: 'finish', reason: 'length' },
      ],
      context,
    ) as Record<string, unknown>;
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.id).toBe('msg_req1');
    expect(message.usage).toEqual({
      input_tokens: 50,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 350,
      cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 50 },
      output_tokens: 7,
    });
  });

  it.each(['text', 'tools'])('%s stream: the recorded event sequence comes back, ping included', async (name) => {
    // The adapter drops empty deltas (Anthropic opens a tool's input with `partial_json: ""`).
    const empty = (data: Record<string, unknown>) => (data.delta as { partial_json?: string } | undefined)?.partial_json === '';
    const recorded = frames(fixture(`${name}.sse`)).filter(([event, data]) => event !== 'ping' && !empty(data));
    const rendered = frames(render(await streamEvents(fixture(`${name}.sse`)))).filter(([event]) => event !== 'ping');
    expect(rendered.map(([event, data]) => [event, data.type])).toEqual(recorded.map(([event, data]) => [event, data.type]));
    const deltas = (list: typeof recorded) => list.filter(([event]) => event === 'content_block_delta').map(([, data]) => data.delta);
    expect(deltas(rendered)).toEqual(deltas(recorded));
    const [, stop] = rendered.find(([event]) => event === 'message_delta') ?? [];
    expect(stop?.delta).toEqual({ stop_reason: name === 'tools' ? 'tool_use' : 'end_turn', stop_sequence: null });
  });

  it('streams translated reasoning-free tool calls from OpenAI-shaped events as tool_use blocks', () => {
    const frames_ = frames(
      render([
        { type: 'start', id: 'chatcmpl-1', model: 'gpt-4o-mini' },
        { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
        { type: 'tool-call-delta', index: 1, id: 'call_2', name: 'get_time', argumentsDelta: '{}' },
        { type: 'usage', inputTokens: 80, cachedInputTokens: 0, outputTokens: 18 },
        { type: 'finish', reason: 'tool_calls' },
      ]),
    );
    expect(frames_.map(([event]) => event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(frames_[0]?.[1]).toMatchObject({ message: { id: 'msg_req1', model: 'claude-sonnet-4-5', content: [] } });
    expect(frames_[6]?.[1]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
    });
    expect(frames_[9]?.[1]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 80, output_tokens: 18 } });
  });

  it('a cut stream ends with an Anthropic error event, no message_stop', async () => {
    const events = await streamEvents(fixture('text.sse'), 5);
    expect(events.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
    const rendered = frames(render(events));
    expect(rendered.at(-1)).toEqual([
      'error',
      { type: 'error', error: { type: 'api_error', message: 'Upstream stream ended before the response was complete' } },
    ]);
    expect(rendered.map(([event]) => event)).not.toContain('message_stop');
  });

  it("errors in Anthropic's shape, typed by status", () => {
    const error = (status: number) => door.renderError(status, 'x', 'why', 'ignored').body;
    expect(error(429)).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'why' } });
    expect([400, 401, 403, 404, 500, 529].map((status) => (error(status) as { error: { type: string } }).error.type)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'api_error',
      'overloaded_error',
    ]);
  });
});

describe('pass-through usage', () => {
  it('reads usage from a JSON answer and from message_start + message_delta, cache writes split', () => {
    const thinking = JSON.parse(fixture('thinking.json'));
    expect(messagesPassThrough.usageFromJson(thinking)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: 0, outputTokens: 62 });
    const read = messagesPassThrough.createStreamUsageReader?.();
    if (!read) throw new Error('expected a stream usage reader');
    const start = {
      type: 'message_start',
      message: {
        usage: {
          input_tokens: 15,
          cache_read_input_tokens: 10,
          cache_creation_input_tokens: 300,
          cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
          output_tokens: 1,
        },
      },
    };
    expect(read('message_start', JSON.stringify(start))).toMatchObject({ inputTokens: 325, outputTokens: 1 });
    expect(read('ping', '{"type":"ping"}')).toBeNull();
    const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } };
    expect(read('message_delta', JSON.stringify(delta))).toEqual({
      type: 'usage',
      inputTokens: 325,
      cachedInputTokens: 10,
      cacheWriteTokens: 200,
      cacheWrite1hTokens: 100,
      outputTokens: 9,
    });
  });

  it.each(['text', 'tools', 'thinking'])(
    'counts the answer in a recorded %s stream as the adapter events count it (what a cut stream is billed by)',
    async (name) => {
      const sse = fixture(`${name}.sse`);
      const translated = new RequestRun('r');
      for (const event of await streamEvents(sse)) translated.observe(event);
      expect(translated.outputChars).toBeGreaterThan(0);
      const passed = sseEvents(sse).reduce((sum, frame) => {
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        return sum + (messagesPassThrough.outputCharsOfStreamEvent?.(event, /^data: (.*)$/m.exec(frame)?.[1] ?? '') ?? 0);
      }, 0);
      expect(passed).toBe(translated.outputChars);
    },
  );

  it('sends the body as written with only the model replaced', () => {
    const body = { model: 'claude-opus-4-8', max_tokens: 5, messages: agentRequest.messages };
    const prepared = messagesPassThrough.prepareBody(body, 'claude-opus-4-8-20260101');
    expect(prepared).toEqual({ ...body, model: 'claude-opus-4-8-20260101' });
    expect(messagesPassThrough).toMatchObject({ adapterKind: 'anthropic', path: '/v1/messages' });
  });
});
