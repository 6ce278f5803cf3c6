import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { RequestRun } from '../../../server/gateway/request-run.js';
import { relayEmbeddings } from '../../../server/gateway/stages/embeddings-relay.js';
import type { EmbeddingsResult } from '../../../server/providers/embeddings.js';
import { getProvider } from '../../../server/providers/registry.js';

const answer = (json: unknown) => ({ body: Readable.from([Buffer.from(JSON.stringify(json))]) }) as unknown as Dispatcher.ResponseData;

describe('embeddings relay', () => {
  const embeddings = getProvider('openai')?.adapter.embeddings;
  if (!embeddings) throw new Error('openai offers embeddings');

  it('puts the provider token count on the run and delivers the vectors', async () => {
    const run = new RequestRun('r1');
    const delivered: EmbeddingsResult[] = [];
    const input = {
      kind: 'embeddings' as const,
      request: { model: 'm', input: ['a'] },
      deliver: async (r: EmbeddingsResult) => void delivered.push(r),
    };
    const result = await relayEmbeddings(
      run,
      embeddings,
      answer({ data: [{ index: 0, embedding: [1, 2] }], usage: { prompt_tokens: 3 } }),
      input,
    );
    expect(result).toEqual({ done: true });
    expect(run.usage).toMatchObject({ inputTokens: 3, outputTokens: 0 });
    expect(delivered).toEqual([{ vectors: [[1, 2]], inputTokens: 3 }]);
  });

  it('a vector count that does not match the inputs is an upstream error, retried, nothing delivered', async () => {
    const run = new RequestRun('r2');
    const delivered: EmbeddingsResult[] = [];
    const input = {
      kind: 'embeddings' as const,
      request: { model: 'm', input: ['a', 'b'] },
      deliver: async (r: EmbeddingsResult) => void delivered.push(r),
    };
    const result = await relayEmbeddings(run, embeddings, answer({ data: [{ index: 0, embedding: [1] }] }), input);
    expect(result).toMatchObject({ done: false, retry: true, failure: { failureClass: 'UPSTREAM_ERROR' } });
    expect(delivered).toEqual([]);
  });
});
