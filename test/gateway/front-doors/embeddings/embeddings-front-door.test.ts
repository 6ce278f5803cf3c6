import { describe, expect, it } from 'vitest';
import { embeddingsFrontDoor } from '../../../../server/gateway/front-doors/embeddings/embeddings.front-door.js';
import { embeddingOffers } from '../../../../server/gateway/routing/embedding-offers.js';
import type { RoutableOffer } from '../../../../server/gateway/routing/router.js';
import { getProvider } from '../../../../server/providers/registry.js';

describe('embeddings front door', () => {
  it('parses every input form into a list, one entry per vector, with a size for estimates', () => {
    const parse = embeddingsFrontDoor.parse;
    expect(parse({ model: 'm', input: 'hello' })).toMatchObject({
      ok: true,
      request: { input: ['hello'] },
      encodingFormat: 'float',
      inputChars: 5,
    });
    expect(parse({ model: 'm', input: ['a', 'bc'] })).toMatchObject({ ok: true, request: { input: ['a', 'bc'] }, inputChars: 3 });
    expect(parse({ model: 'm', input: [1, 2, 3] })).toMatchObject({ ok: true, request: { input: [[1, 2, 3]] }, inputChars: 12 });
    expect(parse({ model: 'm', input: [[1], [2, 3]], encoding_format: 'base64', dimensions: 8, user: 'u' })).toMatchObject({
      ok: true,
      request: { input: [[1], [2, 3]], dimensions: 8, user: 'u' },
      encodingFormat: 'base64',
    });
  });

  it('refuses what OpenAI refuses, saying where', () => {
    const parse = embeddingsFrontDoor.parse;
    expect(parse({ model: 'm', input: '' })).toMatchObject({ ok: false, message: expect.stringContaining('input') });
    expect(parse({ model: 'm', input: [] })).toMatchObject({ ok: false });
    expect(parse({ model: 'm' })).toMatchObject({ ok: false, message: expect.stringContaining('input') });
    expect(parse({ model: 'm', input: 'x', encoding_format: 'int8' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('encoding_format'),
    });
    expect(parse({ model: 'm', input: 'x', dimensions: 0 })).toMatchObject({ ok: false, message: expect.stringContaining('dimensions') });
  });

  it("renders OpenAI's list, base64 as little-endian float32", () => {
    const rendered = embeddingsFrontDoor.renderResponse(
      {
        vectors: [
          [0.5, -1],
          [0.25, 2],
        ],
        inputTokens: null,
      },
      { model: 'text-embedding-3-small', encodingFormat: 'base64', inputTokens: 9 },
    ) as { data: { embedding: string; index: number; object: string }[]; usage: unknown; model: string; object: string };
    expect(rendered).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 9, total_tokens: 9 } });
    const bytes = Buffer.from(rendered.data[1]?.embedding ?? '', 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([0.25, 2]);
    expect(rendered.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
  });

  it('errors in OpenAI’s shape', () => {
    expect(embeddingsFrontDoor.renderError(400, 'model_not_embeddings', 'no', 'invalid_request_error').body).toEqual({
      error: { message: 'no', type: 'invalid_request_error', code: 'model_not_embeddings', param: null },
    });
  });
});

describe('embedding offers', () => {
  const offer = (provider: string, providerModel: string): RoutableOffer => ({
    provider,
    providerModel,
    prices: null,
    maxOutputTokens: null,
    endpoint: { adapter: getProvider(provider)!.adapter, baseUrl: 'http://x' },
  });

  it('keeps embedding models and names the data does not know; refuses chat models and providers without embeddings', () => {
    expect(embeddingOffers('m', [offer('openai', 'text-embedding-3-small')])).toHaveLength(1);
    expect(embeddingOffers('m', [offer('together', 'BAAI/bge-large-en-v1.5')])).toHaveLength(1);
    expect(() => embeddingOffers('gpt-4o-mini', [offer('openai', 'gpt-4o-mini')])).toThrow(/chat model/);
    expect(() => embeddingOffers('claude-haiku-4-5', [offer('anthropic', 'claude-haiku-4-5')])).toThrow(
      /anthropic, which offer no embeddings/,
    );
  });
});
