import { describe, expect, it } from 'vitest';
import { anthropicMessagesFrontDoor } from '../../../server/gateway/front-doors/anthropic-messages/anthropic-messages.front-door.js';
import { embeddingsFrontDoor } from '../../../server/gateway/front-doors/embeddings/embeddings.front-door.js';
import { openAiChatFrontDoor } from '../../../server/gateway/front-doors/openai-chat/openai-chat.front-door.js';
import { openAiResponsesFrontDoor } from '../../../server/gateway/front-doors/openai-responses/openai-responses.front-door.js';
import { MAX_MODEL_NAME_LENGTH, nearestModelNames } from '../../../shared/catalog/model-ref.js';

/**
 * A model name is compared with every known name, logged and cached: one request with a
 * megabyte-long name used to hold the event loop for seconds (edit distance against each name).
 */
describe('model names are bounded', () => {
  const bodies = (model: string) =>
    [
      ['chat', () => openAiChatFrontDoor.parse({ model, messages: [{ role: 'user', content: 'Hi' }] })],
      ['messages', () => anthropicMessagesFrontDoor.parse({ model, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })],
      ['responses', () => openAiResponsesFrontDoor.parse({ model, input: 'Hi' })],
      ['embeddings', () => embeddingsFrontDoor.parse({ model, input: 'Hi' })],
    ] as const;

  it.each(bodies(`openai/${'q'.repeat(MAX_MODEL_NAME_LENGTH)}`))('%s refuses a longer name, saying the limit', (_, parse) => {
    const parsed = parse();
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(`at most ${MAX_MODEL_NAME_LENGTH} characters`);
  });

  it.each(bodies(`openai/${'q'.repeat(MAX_MODEL_NAME_LENGTH - 'openai/'.length)}`))('%s takes a name at the limit', (_, parse) => {
    expect(parse().ok).toBe(true);
  });

  it('finds no near name for a very long one at once, where it compared it with every name', () => {
    const started = performance.now();
    expect(nearestModelNames('q'.repeat(1_000_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
    expect(nearestModelNames('gpt-4o-minii')).toContain('gpt-4o-mini');
  });
});
