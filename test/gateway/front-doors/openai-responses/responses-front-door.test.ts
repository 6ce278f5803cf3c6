import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../../../../server/gateway/front-doors/front-door.js';
import { openAiResponsesFrontDoor as door } from '../../../../server/gateway/front-doors/openai-responses/openai-responses.front-door.js';
import type { ProviderEvent } from '../../../../server/providers/events.js';
import { sseEvents } from '../../../../tools/simulator/fixture-store.js';

const fixture = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const codexRequest = JSON.parse(fixture('../../../fixtures/openai-responses/codex-request.json')) as Record<string, unknown>;
const upstream = (file: string) => fixture(`../../../../tools/simulator/fixtures/openai-responses/${file}`);

function parsed(body: Record<string, unknown>) {
  const result = door.parse(body);
  if (!result.ok) throw new Error(result.message);
  return result;
}

const context = (raw: Record<string, unknown> = {}): RenderContext => ({
  requestId: 'req-1',
  model: 'anthropic/claude-haiku-4-5',
  created: 1_764_460_800,
  includeUsage: false,
  raw,
});

const usage: ProviderEvent = { type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9, reasoningTokens: 4 };

/** Each SSE frame of a rendered stream as `{ event, data }`. */
function frames(text: string) {
  return sseEvents(text).map((frame) => {
    const [eventLine, dataLine] = frame.trim().split('\n');
    return { event: eventLine?.slice('event: '.length), data: JSON.parse(dataLine?.slice('data: '.length) ?? '{}') as Record<string, any> };
  });
}

describe('Responses requests → canonical', () => {
  it('translates a recorded Codex request: developer messages, function and namespaced tools; web_search dropped and named', () => {
    const result = parsed(codexRequest);
    const { request, extra } = result.value;
    expect(request.model).toBe('gpt-5-codex');
    expect(request.stream).toBe(true);
    expect(request.messages.map((m) => m.role)).toEqual(['developer', 'developer', 'user', 'user']);
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'say hi' }] });
    const names = request.tools?.map((tool) => tool.function.name) ?? [];
    expect(names).toContain('exec_command');
    expect(names).toContain('multi_agent_v1__spawn_agent');
    expect(names).not.toContain('web_search');
    expect(request.tool_choice).toBe('auto');
    expect(request.parallel_tool_calls).toBe(true);
    expect(result.droppedTools).toEqual(['web_search']);
    expect(result.translationError).toBeUndefined();
    // store, include, reasoning, prompt_cache_key and client_metadata mean nothing to another upstream.
    expect(extra).toEqual({});
    expect(result.raw).toBe(codexRequest);
  });

  it('turns calls, outputs and assistant text into one assistant turn and tool messages; reasoning items are dropped', () => {
    const { request } = parsed({
      model: 'm',
      instructions: 'Be brief.',
      max_output_tokens: 100,
      temperature: 0.2,
      user: 'u-1',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather?' },
            { type: 'input_image', image_url: 'https://x/y.png', detail: 'low' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA…' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' },
        { type: 'custom_tool_call', call_id: 'call_3', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'function_call_output', call_id: 'call_1', output: '18°C' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'spawned' }] },
        { type: 'custom_tool_call_output', call_id: 'call_3', output: 'ok' },
      ],
    }).value;
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'multi_agent_v1__spawn_agent', arguments: '{}' } },
          { id: 'call_3', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'call_2', content: 'spawned' },
      { role: 'tool', tool_call_id: 'call_3', content: 'ok' },
    ]);
    expect(request).toMatchObject({ max_completion_tokens: 100, temperature: 0.2, user: 'u-1' });
  });

  it('maps text.format, custom tools and tool_choice; a required built-in tool cannot be translated', () => {
    const { request } = parsed({
      model: 'm',
      input: 'hi',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      tools: [{ type: 'custom', name: 'apply_patch', description: 'Patch files' }, { type: 'file_search' }],
      tool_choice: { type: 'custom', name: 'apply_patch' },
    }).value;
    expect(request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
    });
    expect(request.tools?.[0]?.function).toMatchObject({ name: 'apply_patch', parameters: { required: ['input'] } });
    expect(request.tool_choice).toEqual({ type: 'function', function: { name: 'apply_patch' } });

    const forced = parsed({ model: 'm', input: 'hi', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } });
    expect(forced.translationError).toMatch(/tool_choice requires the built-in tool "web_search", which only OpenAI runs/);
    expect(parsed({ model: 'm', input: [{ type: 'item_reference', id: 'x' }] }).translationError).toMatch(/item_reference/);
  });

  it.each([
    ['an item only OpenAI reads', [{ type: 'item_reference', id: 'msg_1' }]],
    ['an input the canonical request refuses', [{ type: 'function_call_output', call_id: '', output: 'ok' }]],
  ])('a body that only passes through (%s) keeps stream, the output cap and the real input size', (_, tail) => {
    const history = Array.from({ length: 50 }, (_, i) => ({ role: 'user', content: `turn ${i}: ${'lorem ipsum '.repeat(40)}` }));
    const tools = [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }];
    const body = { model: 'gpt-5', stream: true, max_output_tokens: 2048, user: 'u-9', input: [...history, ...tail], tools };
    const result = parsed(body);
    expect(result.translationError).toEqual(expect.any(String));
    const { request } = result.value;
    expect(request).toMatchObject({ model: 'gpt-5', stream: true, max_completion_tokens: 2048, user: 'u-9' });
    // The hold and the estimates size the input from the canonical messages and tools (pipeline.ts).
    const sized = JSON.stringify(request.messages).length + (request.tools ? JSON.stringify(request.tools).length : 0);
    const sent = JSON.stringify(body.input).length + JSON.stringify(tools).length;
    expect(sized).toBeGreaterThanOrEqual(sent);
    expect(sized).toBeLessThan(sent + 200);
  });

  it('refuses what needs stored responses, and invalid bodies, with a sentence saying why', () => {
    expect(door.parse({ model: 'm', input: 'hi', previous_response_id: 'resp_1' })).toEqual({
      ok: false,
      message: expect.stringMatching(/previous_response_id is not supported: this gateway does not store responses/),
    });
    expect(door.parse({ model: 'm' })).toMatchObject({ ok: false, message: 'input: Required' });
    expect(door.parse({ input: 'hi' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid request: model/) });
    expect(door.parse([])).toMatchObject({ ok: false });
  });
});

describe('canonical events → Responses', () => {
  it('renders text as a completed response with a message item and usage (cached and reasoning tokens)', () => {
    const events: ProviderEvent[] = [
      { type: 'start', id: 'up-1' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '!' },
      usage,
      { type: 'finish', reason: 'stop' },
    ];
    const response = door.renderResponse(events, context({ model: 'x', input: 'hi', store: false, temperature: 0.5 })) as Record<
      string,
      any
    >;
    expect(response).toMatchObject({
      id: 'resp_req1',
      object: 'response',
      status: 'completed',
      model: 'anthropic/claude-haiku-4-5',
      output_text: 'Hello!',
      store: false,
      temperature: 0.5,
      output: [
        { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello!', annotations: [] }] },
      ],
      usage: {
        input_tokens: 25,
        input_tokens_details: { cached_tokens: 10 },
        output_tokens: 9,
        output_tokens_details: { reasoning_tokens: 4 },
        total_tokens: 34,
      },
    });
  });

  it('renders tool calls back under their Responses names: function_call with namespace, custom_tool_call with input', () => {
    const raw = {
      tools: [
        { type: 'function', name: 'get_weather' },
        { type: 'namespace', name: 'multi_agent_v1', tools: [{ type: 'function', name: 'spawn_agent' }] },
        { type: 'custom', name: 'apply_patch' },
      ],
    };
    const events: ProviderEvent[] = [
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-delta', index: 1, id: 'call_2', name: 'multi_agent_v1__spawn_agent', argumentsDelta: '{}' },
      { type: 'tool-call-delta', index: 2, id: 'call_3', name: 'apply_patch', argumentsDelta: '{"input":"*** Begin Patch"}' },
      { type: 'finish', reason: 'tool_calls' },
    ];
    const response = door.renderResponse(events, context(raw)) as { output: unknown[]; status: string };
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      }),
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_2',
        name: 'spawn_agent',
        namespace: 'multi_agent_v1',
        arguments: '{}',
      }),
      expect.objectContaining({ type: 'custom_tool_call', call_id: 'call_3', name: 'apply_patch', input: '*** Begin Patch' }),
    ]);
  });

  it('marks an answer cut at the token limit incomplete', () => {
    const response = door.renderResponse(
      [
        { type: 'text-delta', text: 'Hel' },
        { type: 'finish', reason: 'length' },
      ],
      context(),
    ) as Record<string, unknown>;
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('streams the documented event sequence, numbered from 0, ending with response.completed', () => {
    const renderer = door.streamRenderer(context());
    const text =
      renderer.push({ type: 'start' }) +
      renderer.push({ type: 'text-delta', text: 'Hi' }) +
      renderer.push({ type: 'text-delta', text: ' there' }) +
      renderer.push({ type: 'tool-call-delta', index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":"Paris"}' }) +
      renderer.push(usage) +
      renderer.push({ type: 'finish', reason: 'tool_calls' }) +
      renderer.end();
    const parsedFrames = frames(text);
    expect(parsedFrames.map((f) => f.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(parsedFrames.map((f) => f.data.sequence_number)).toEqual(parsedFrames.map((_, index) => index));
    expect(parsedFrames.every((f) => f.data.type === f.event)).toBe(true);
    expect(parsedFrames[6]?.data).toMatchObject({ text: 'Hi there', output_index: 0 });
    expect(parsedFrames[11]?.data).toMatchObject({ arguments: '{"city":"Paris"}', output_index: 1 });
    const completed = parsedFrames.at(-1)?.data.response;
    expect(completed).toMatchObject({ status: 'completed', output_text: 'Hi there', usage: { total_tokens: 34 } });
    expect(completed.output).toHaveLength(2);
    expect(renderer.end()).toBe('');
  });

  it('ends a cut stream with an error event and response.failed, in OpenAI shape', () => {
    const renderer = door.streamRenderer(context());
    const text = renderer.push({ type: 'text-delta', text: 'Hi' }) + renderer.error('STREAM_INTERRUPTED', 'The provider stream broke off');
    const parsedFrames = frames(text);
    expect(parsedFrames.slice(-2)).toEqual([
      {
        event: 'error',
        data: expect.objectContaining({ type: 'error', code: 'stream_interrupted', message: 'The provider stream broke off' }),
      },
      {
        event: 'response.failed',
        data: expect.objectContaining({
          response: expect.objectContaining({
            status: 'failed',
            error: { code: 'stream_interrupted', message: 'The provider stream broke off' },
          }),
        }),
      },
    ]);
    expect(renderer.end()).toBe('');
  });

  it('answers errors in OpenAI’s envelope', () => {
    expect(door.renderError(400, 'invalid_request', 'bad', 'invalid_request_error').body).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', code: 'invalid_request', param: null },
    });
  });
});

describe('pass-through to OpenAI', () => {
  const pass = door.passThrough;

  it('is for the OpenAI adapter only, at /responses, with the body as sent and the model replaced', () => {
    expect(pass).toMatchObject({ adapterKind: 'openai', path: '/responses' });
    expect(pass?.prepareBody(codexRequest, 'gpt-5')).toEqual({ ...codexRequest, model: 'gpt-5' });
  });

  it('reads usage from a recorded response and from the final event of a recorded stream', () => {
    const expected = { type: 'usage', inputTokens: 25, cachedInputTokens: 10, outputTokens: 9 };
    expect(pass?.usageFromJson(JSON.parse(upstream('text.json')))).toEqual(expected);
    const seen = sseEvents(upstream('text.sse')).map((frame) => {
      const [eventLine, dataLine] = frame.trim().split('\n');
      return pass?.usageFromStreamEvent(eventLine?.slice(7), dataLine?.slice(6) ?? '');
    });
    expect(seen.filter(Boolean)).toEqual([expected]);
    expect(pass?.usageFromStreamEvent(undefined, 'not json')).toBeNull();
  });

  it('counts the answer in a recorded stream: output text, and a tool call’s name with its arguments', () => {
    const outputChars = (file: string) =>
      sseEvents(upstream(file)).reduce((sum, frame) => {
        const [eventLine, dataLine] = frame.trim().split('\n');
        return sum + (pass?.outputCharsOfStreamEvent?.(eventLine?.slice(7), dataLine?.slice(6) ?? '') ?? 0);
      }, 0);
    expect(outputChars('text.sse')).toBe('Hello! How can I help you today?'.length);
    const done = frames(upstream('tools.sse')).find((f) => f.event === 'response.output_item.done')?.data.item;
    expect(done).toMatchObject({ type: 'function_call', name: expect.any(String), arguments: expect.any(String) });
    expect(outputChars('tools.sse')).toBe(done.name.length + done.arguments.length);
    expect(pass?.outputCharsOfStreamEvent?.(undefined, 'not json')).toBe(0);
  });
});
