import { describe, expect, it } from 'vitest';
import { bodyJson, jsonTextOf } from '../../server/providers/json-text.js';

describe('JSON text written once per request', () => {
  it('writes the same JSON as JSON.stringify, members it has written first', () => {
    const messages = [{ role: 'user', content: 'a "quoted" \\ text\nwith é and 😀' }];
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const body = { model: 'm', messages, tools, stream: false, temperature: undefined, extra: { a: [1, null] } };
    expect(jsonTextOf(messages)).toBe(JSON.stringify(messages));
    const text = bodyJson(body);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(body)));
    expect(Object.keys(JSON.parse(text))).toEqual(['messages', 'model', 'tools', 'stream', 'extra']);
    // Nothing written yet, or nothing else in the body: exactly JSON.stringify.
    expect(bodyJson({ model: 'm', tools })).toBe(JSON.stringify({ model: 'm', tools }));
    expect(bodyJson({ messages })).toBe(`{"messages":${JSON.stringify(messages)}}`);
  });

  it("reuses an array's text instead of writing it again", () => {
    const messages = [{ role: 'user', content: 'first' }];
    const measured = jsonTextOf(messages);
    // Only to observe the reuse: the gateway never changes a request's arrays after parsing.
    messages.push({ role: 'user', content: 'pushed later' });
    expect(jsonTextOf(messages)).toBe(measured);
    expect(JSON.parse(bodyJson({ model: 'm', messages })).messages).toEqual([{ role: 'user', content: 'first' }]);
  });
});
