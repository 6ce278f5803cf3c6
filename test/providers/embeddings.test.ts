import { describe, expect, it } from 'vitest';
import { RequestTranslationError } from '../../server/providers/adapter.js';
import { getProvider } from '../../server/providers/registry.js';
import { embeddingsAnswer } from '../../tools/simulator/embeddings-answer.js';

const context = { baseUrl: 'https://upstream.test/v1/', apiKey: 'sk-test', upstreamModel: 'm' };

function embeddingsOf(provider: string) {
  const embeddings = getProvider(provider)?.adapter.embeddings;
  if (!embeddings) throw new Error(`${provider} offers no embeddings`);
  return embeddings;
}

describe('adapters: embeddings', () => {
  it('is offered by OpenAI, Mistral, Google, Together and Fireworks, not by Anthropic, Groq or DeepSeek', () => {
    const offering = ['openai', 'anthropic', 'google', 'mistral', 'groq', 'together', 'fireworks', 'deepseek'].filter(
      (id) => getProvider(id)?.adapter.embeddings !== undefined,
    );
    expect(offering).toEqual(['openai', 'google', 'mistral', 'together', 'fireworks']);
  });

  it('OpenAI-compatible: {base}/embeddings, floats asked for, dimensions and user as sent', () => {
    const built = embeddingsOf('openai').buildRequest({ model: 'x', input: ['a', 'b'], dimensions: 8, user: 'u1' }, context);
    expect(built.url).toBe('https://upstream.test/v1/embeddings');
    expect(built.headers.authorization).toBe('Bearer sk-test');
    expect(JSON.parse(built.body)).toEqual({ model: 'm', input: ['a', 'b'], encoding_format: 'float', dimensions: 8, user: 'u1' });
  });

  it('Mistral: output_dimension for dimensions, no user', () => {
    const built = embeddingsOf('mistral').buildRequest({ model: 'x', input: ['a'], dimensions: 8, user: 'u1' }, context);
    expect(JSON.parse(built.body)).toEqual({ model: 'm', input: ['a'], encoding_format: 'float', output_dimension: 8 });
  });

  it('OpenAI-compatible answers: vectors in input order (by index), prompt_tokens; a bad shape is an error event', () => {
    const parse = embeddingsOf('together').parseResponse;
    const answer = {
      data: [
        { index: 1, embedding: [2] },
        { index: 0, embedding: [1] },
      ],
      usage: { prompt_tokens: 7, total_tokens: 7 },
    };
    expect(parse(answer)).toEqual({ vectors: [[1], [2]], inputTokens: 7 });
    expect(parse({ data: 'nope' })).toMatchObject({ type: 'error', failureClass: 'UPSTREAM_ERROR' });
  });

  it('Gemini: one batchEmbedContents request per text, outputDimensionality; token ids refused; no usage in the answer', () => {
    const google = embeddingsOf('google');
    const built = google.buildRequest(
      { model: 'x', input: ['a', 'b'], dimensions: 4 },
      { ...context, baseUrl: 'https://g.test', upstreamModel: 'gemini-embedding-001' },
    );
    expect(built.url).toBe('https://g.test/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(built.headers['x-goog-api-key']).toBe('sk-test');
    expect(JSON.parse(built.body).requests[1]).toEqual({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'b' }] },
      outputDimensionality: 4,
    });
    expect(() => google.buildRequest({ model: 'x', input: [[1, 2]] }, context)).toThrow(RequestTranslationError);
    expect(google.parseResponse({ embeddings: [{ values: [0.5] }] })).toEqual({ vectors: [[0.5]], inputTokens: null });
  });

  it('the simulator answers each format deterministically, dimensions honoured', () => {
    const openai = JSON.parse(
      embeddingsAnswer('openai', 'openai-compatible', { model: 'text-embedding-3-small', input: ['hello', 'hi'] }, undefined),
    );
    expect(openai.data).toHaveLength(2);
    expect(openai.data[0].embedding).toHaveLength(1536);
    expect(openai.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const again = JSON.parse(
      embeddingsAnswer('openai', 'openai-compatible', { model: 'text-embedding-3-small', input: 'hello' }, undefined),
    );
    expect(again.data[0].embedding).toEqual(openai.data[0].embedding);
    const mistral = JSON.parse(
      embeddingsAnswer('mistral', 'openai-compatible', { model: 'mistral-embed', input: ['x'], output_dimension: 16 }, undefined),
    );
    expect(mistral.data[0].embedding).toHaveLength(16);
    const gemini = JSON.parse(
      embeddingsAnswer(
        'google',
        'google',
        { requests: [{ content: { parts: [{ text: 'hello' }] }, outputDimensionality: 32 }] },
        'gemini-embedding-001',
      ),
    );
    expect(gemini.embeddings[0].values).toHaveLength(32);
    expect(gemini.usageMetadata).toBeUndefined();
  });
});
