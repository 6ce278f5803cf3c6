import { describe, expect, it } from 'vitest';
import { anthropicMessagesFrontDoor } from '../../../server/gateway/front-doors/anthropic-messages/anthropic-messages.front-door.js';
import { openAiResponsesFrontDoor } from '../../../server/gateway/front-doors/openai-responses/openai-responses.front-door.js';

const limitOf = (parsed: ReturnType<typeof anthropicMessagesFrontDoor.parse>) => (parsed.ok ? (parsed.webSearchLimit ?? 0) : NaN);

/** The searches a request allows at most, as the front doors read them for the hold. */
describe('web search limits of a request', () => {
  const messages = (tools: unknown[]) => ({
    model: 'claude-haiku-4-5',
    max_tokens: 10,
    messages: [{ role: 'user', content: 'Hi' }],
    tools,
  });

  it("Anthropic: the sum of each web search tool's max_uses; none when unbounded or absent", () => {
    const search = (max_uses?: unknown) => ({
      type: 'web_search_20250305',
      name: 'web_search',
      ...(max_uses === undefined ? {} : { max_uses }),
    });
    expect(limitOf(anthropicMessagesFrontDoor.parse(messages([search(5)])))).toBe(5);
    expect(limitOf(anthropicMessagesFrontDoor.parse(messages([search(2), { ...search(3), name: 'web_search_2' }])))).toBe(5);
    expect(limitOf(anthropicMessagesFrontDoor.parse(messages([search()])))).toBe(0);
    // Not a whole number, or absurd: nothing held, or at most 1,000.
    expect(limitOf(anthropicMessagesFrontDoor.parse(messages([search(2.5)])))).toBe(0);
    expect(limitOf(anthropicMessagesFrontDoor.parse(messages([search(1e9)])))).toBe(1_000);
    expect(
      limitOf(anthropicMessagesFrontDoor.parse(messages([{ name: 'get_weather', input_schema: { type: 'object' }, max_uses: 9 }]))),
    ).toBe(0);
  });

  it('Responses: max_tool_calls beside a web_search tool; none without either', () => {
    const body = (extra: Record<string, unknown>) => ({ model: 'gpt-4.1', input: 'Hi', ...extra });
    expect(limitOf(openAiResponsesFrontDoor.parse(body({ tools: [{ type: 'web_search' }], max_tool_calls: 4 })))).toBe(4);
    expect(limitOf(openAiResponsesFrontDoor.parse(body({ tools: [{ type: 'web_search_preview' }], max_tool_calls: 2 })))).toBe(2);
    expect(limitOf(openAiResponsesFrontDoor.parse(body({ tools: [{ type: 'web_search' }] })))).toBe(0);
    expect(limitOf(openAiResponsesFrontDoor.parse(body({ max_tool_calls: 4 })))).toBe(0);
  });
});
