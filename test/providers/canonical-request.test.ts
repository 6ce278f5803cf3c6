import { describe, expect, it } from 'vitest';
import { contentText, outputLimit, parseChatRequest } from '../../server/providers/canonical-request.js';

describe('parseChatRequest', () => {
  it('accepts a full request and keeps unknown fields apart', () => {
    const result = parseChatRequest({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '42' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      temperature: 0.2,
      max_completion_tokens: 100,
      stop: ['END'],
      stream: true,
      stream_options: { include_usage: true },
      response_format: { type: 'json_object' },
      top_k: 5,
      logit_bias: { '1': 2 },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.request.messages).toHaveLength(4);
    expect(result.value.extra).toEqual({ top_k: 5, logit_bias: { '1': 2 } });
    expect('top_k' in result.value.request).toBe(false);
  });

  it('explains what is wrong', () => {
    const bad = parseChatRequest({ model: 'x', messages: [{ role: 'wizard', content: 'hi' }], temperature: 3 });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.message).toMatch(/^Invalid request: /);
    expect(bad.message).toContain('messages[0].role');
    expect(bad.message).toContain('temperature');
  });

  it('rejects non-objects, empty messages, missing tool_call_id and n > 1', () => {
    expect(parseChatRequest('hello')).toEqual({ ok: false, message: 'The request body must be a JSON object.' });
    expect(parseChatRequest({ model: 'x', messages: [] }).ok).toBe(false);
    const noId = parseChatRequest({ model: 'x', messages: [{ role: 'tool', content: 'r' }] });
    expect(!noId.ok && noId.message).toContain('tool_call_id');
    const n = parseChatRequest({ model: 'x', messages: [{ role: 'user', content: 'a' }], n: 2 });
    expect(!n.ok && n.message).toContain('n: only n = 1 is supported');
  });

  it('joins text parts', () => {
    expect(
      contentText([
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ]),
    ).toBe('ab');
    expect(contentText(null)).toBe('');
  });
});

describe('outputLimit', () => {
  it('is the larger limit when both are sent: holds must cover whichever one the upstream obeys', () => {
    expect(outputLimit({ max_completion_tokens: 1, max_tokens: 32_000 })).toBe(32_000);
    expect(outputLimit({ max_completion_tokens: 500, max_tokens: 20 })).toBe(500);
    expect(outputLimit({ max_tokens: 64 })).toBe(64);
    expect(outputLimit({ max_completion_tokens: null, max_tokens: undefined })).toBeNull();
  });
});
