import { describe, expect, it } from 'vitest';
import { openAiChatFrontDoor } from '../../server/gateway/front-doors/openai-chat/openai-chat.front-door.js';
import { parseMessage, parseMessageStream } from '../../server/providers/anthropic/parse-response.js';
import type { ProviderEvent } from '../../server/providers/events.js';
import { parseGenerateResponse, parseGenerateStream } from '../../server/providers/google/parse-response.js';
import { parseCompletion, parseCompletionStream } from '../../server/providers/openai-compatible/parse-response.js';
import { bytes, collect, fixture, fixtureJson } from '../support/provider-fixtures.js';

const context = { requestId: 'kp-1', model: 'm', created: 1_763_000_000, includeUsage: false };

/** What a Chat Completions client reads: the message, and the streamed reasoning_content and content. */
function rendered(events: ProviderEvent[]) {
  const completion = openAiChatFrontDoor.renderResponse(events, context) as { choices: { message: Record<string, unknown> }[] };
  const renderer = openAiChatFrontDoor.streamRenderer(context);
  const sse = events.map((event) => renderer.push(event)).join('') + renderer.end();
  const deltas = sse
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: {'))
    .map(
      (frame) =>
        (JSON.parse(frame.slice(6)) as { choices: { delta: { reasoning_content?: string; content?: string } }[] }).choices[0]?.delta,
    );
  return {
    message: completion.choices[0]?.message,
    streamedReasoning: deltas.map((delta) => delta?.reasoning_content ?? '').join(''),
    streamedContent: deltas.map((delta) => delta?.content ?? '').join(''),
  };
}

const sse = (chunks: unknown[]) => `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`;

// DeepSeek's documented deepseek-reasoner answer shape (api-docs.deepseek.com, "Reasoning Model").
const deepseekReasoner = {
  id: 'b1c5e0a2-reasoner',
  object: 'chat.completion',
  created: 1741569952,
  model: 'deepseek-reasoner',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: '9.11 is smaller.', reasoning_content: 'Compare 9.11 and 9.8: 0.11 < 0.8.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 15, completion_tokens: 40, total_tokens: 55, completion_tokens_details: { reasoning_tokens: 30 } },
};
const deepseekChunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'b1c5e0a2-reasoner',
  object: 'chat.completion.chunk',
  created: 1741569952,
  model: 'deepseek-reasoner',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

// Gemini's thought summaries (thinkingConfig.includeThoughts): parts marked thought: true.
const geminiThoughts = {
  candidates: [
    {
      content: {
        role: 'model',
        parts: [{ text: '**Comparing decimals** 0.11 < 0.8.', thought: true }, { text: '9.11 is smaller.' }],
      },
      finishReason: 'STOP',
    },
  ],
  usageMetadata: { promptTokenCount: 15, candidatesTokenCount: 10, thoughtsTokenCount: 30, totalTokenCount: 55 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
};

describe('reasoning from every provider reaches Chat Completions clients as reasoning_content', () => {
  it('DeepSeek reasoning_content, whole and streamed', async () => {
    const whole = rendered(parseCompletion(deepseekReasoner));
    expect(whole.message).toMatchObject({ content: '9.11 is smaller.', reasoning_content: 'Compare 9.11 and 9.8: 0.11 < 0.8.' });
    const body = sse([
      deepseekChunk({ role: 'assistant', content: null, reasoning_content: '' }),
      deepseekChunk({ content: null, reasoning_content: 'Compare 9.11 and 9.8: ' }),
      deepseekChunk({ content: null, reasoning_content: '0.11 < 0.8.' }),
      deepseekChunk({ content: '9.11 is smaller.', reasoning_content: null }),
      deepseekChunk({ content: '' }, 'stop'),
    ]);
    const streamed = rendered(await collect(parseCompletionStream(bytes(body))));
    expect(streamed.streamedReasoning).toBe('Compare 9.11 and 9.8: 0.11 < 0.8.');
    expect(streamed.streamedContent).toBe('9.11 is smaller.');
    expect(streamed.message?.reasoning_content).toBe('Compare 9.11 and 9.8: 0.11 < 0.8.');
  });

  it('Groq-style `reasoning` is read the same way', () => {
    const groq = {
      ...deepseekReasoner,
      choices: [{ index: 0, message: { role: 'assistant', content: 'x', reasoning: 'because' }, finish_reason: 'stop' }],
    };
    expect(rendered(parseCompletion(groq)).message?.reasoning_content).toBe('because');
  });

  it('Anthropic thinking blocks (the recorded signed-thinking fixture), whole and streamed', async () => {
    const recorded = fixtureJson<{ content: { type: string; thinking?: string; signature?: string }[] }>('anthropic', 'thinking.json');
    const thinking = recorded.content.find((block) => block.type === 'thinking');
    const events = parseMessage(recorded);
    expect(events).toContainEqual({ type: 'reasoning-delta', text: thinking?.thinking, signature: thinking?.signature });
    expect(rendered(events).message?.reasoning_content).toBe(thinking?.thinking);

    const streamedEvents = await collect(parseMessageStream(bytes(fixture('anthropic', 'thinking.sse'))));
    expect(streamedEvents.filter((e) => e.type === 'reasoning-delta' && e.signature)).toEqual([
      { type: 'reasoning-delta', text: '', signature: thinking?.signature },
    ]);
    const streamed = rendered(streamedEvents);
    expect(streamed.streamedReasoning).toBe(thinking?.thinking);
    expect(streamed.streamedContent).toBe(rendered(events).message?.content);
  });

  it('Anthropic redacted_thinking becomes redacted reasoning, never shown', () => {
    const events = parseMessage({
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
        { type: 'text', text: 'Done.' },
      ],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    expect(events).toContainEqual({ type: 'redacted-reasoning', data: 'EmwKAhgBEgy3va3pzix' });
    expect(rendered(events).message).not.toHaveProperty('reasoning_content');
  });

  it('Gemini thought parts, whole and streamed', async () => {
    const whole = rendered(parseGenerateResponse(geminiThoughts));
    expect(whole.message).toMatchObject({ content: '9.11 is smaller.', reasoning_content: '**Comparing decimals** 0.11 < 0.8.' });
    const streamed = rendered(await collect(parseGenerateStream(bytes(`data: ${JSON.stringify(geminiThoughts)}\r\n\r\n`))));
    expect(streamed.streamedReasoning).toBe('**Comparing decimals** 0.11 < 0.8.');
    expect(streamed.streamedContent).toBe('9.11 is smaller.');
  });
});
