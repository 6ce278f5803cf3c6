import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedVector } from '../../tools/simulator/embeddings-answer.js';
import {
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  pico,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from './support/tenant.js';

const ENV_KEYS = { OPENAI_API_KEY: fakeKey('openai'), MISTRAL_API_KEY: fakeKey('mistral'), GOOGLE_API_KEY: fakeKey('google') };

/** The data's input rate, USD per 1M tokens, as pico-USD per token. */
const PICO_PER_TOKEN = { 'text-embedding-3-small': 20_000n, 'mistral-embed': 100_000n, 'gemini-embedding-001': 150_000n };

/** `/v1/embeddings` works unchanged with the official `openai` client, billed from the price data. */
describe('embeddings through the official openai client', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  const client = () => new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey: tenant.secret, maxRetries: 0 });

  beforeAll(async () => {
    g = await startGatewayEnv('pglite', ENV_KEYS);
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
  });
  afterAll(() => g?.close());

  it.each([
    ['openai/text-embedding-3-small', 'text-embedding-3-small', 1536],
    ['mistral/mistral-embed', 'mistral-embed', 1024],
    ['google/gemini-embedding-001', 'gemini-embedding-001', 3072],
  ] as const)('%s: one input, billed tokens × the data input price, recorded as embeddings', async (model, dataId, length) => {
    const { data, response } = await client()
      .embeddings.create({ model, input: 'The quick brown fox', encoding_format: 'float' })
      .withResponse();
    expect(data.object).toBe('list');
    expect(data.model).toBe(model);
    expect(data.data).toHaveLength(1);
    expect(data.data[0]?.embedding).toHaveLength(length);
    expect(data.data[0]?.embedding).toEqual(simulatedVector('The quick brown fox', length));
    // 19 characters: the simulator's (and, for Gemini which reports none, the gateway's) estimate is 5 tokens.
    expect(data.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'SUCCESS', inputTokens: 5, outputTokens: 0, costKnown: true, streamed: false });
    expect(usage.tokensEstimated).toBe(dataId === 'gemini-embedding-001');
    expect(pico(usage.upstreamCostUsd)).toBe(5n * PICO_PER_TOKEN[dataId]);
    expect(usage.endpoint).toBe('embeddings');
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('batch input, dimensions and base64 (the client decodes it)', async () => {
    const input = ['first text', 'second, longer text'];
    const floats = await client().embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 64, encoding_format: 'float' });
    expect(floats.data.map((item) => [item.index, item.embedding.length])).toEqual([
      [0, 64],
      [1, 64],
    ]);
    expect(floats.data[1]?.embedding).toEqual(simulatedVector(input[1] as string, 64));
    // The client asks for base64 by default and decodes it to float32.
    const decoded = await client().embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 64 });
    for (const [index, item] of decoded.data.entries()) {
      expect(item.embedding).toEqual([...new Float32Array(floats.data[index]?.embedding ?? [])]);
    }
    const gemini = await client().embeddings.create({ model: 'gemini-embedding-001', input, dimensions: 16 });
    expect(gemini.data.map((item) => item.embedding.length)).toEqual([16, 16]);
    expect(g.sim.requests.at(-1)?.path).toMatch(/gemini-embedding-001:batchEmbedContents$/);
  });

  it('debits credits by the billed cost', async () => {
    const own = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const before = await g.t.server.db.prisma.organization.findUniqueOrThrow({ where: { id: own.organizationId } });
    const openai = new OpenAI({ baseURL: `${g.t.url}/v1`, apiKey: own.secret, maxRetries: 0 });
    const { response } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a'.repeat(4_000)] }).withResponse();
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage.inputTokens).toBe(1_000);
    await expectLedgerConsistent(g.t, own.organizationId);
    const after = await g.t.server.db.prisma.organization.findUniqueOrThrow({ where: { id: own.organizationId } });
    expect(pico(before.creditBalance) - pico(after.creditBalance)).toBe(pico(usage.billedCostUsd));
    expect(pico(usage.billedCostUsd)).toBeGreaterThan(0n);
  });

  it.each(['gpt-4o-mini', 'claude-haiku-4-5'])('a chat model (%s) is a 400 in OpenAI’s shape, before any upstream call', async (model) => {
    g.sim.clearRequests();
    const error = await client()
      .embeddings.create({ model, input: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).code).toBe('model_not_embeddings');
    expect((error as APIError).message).toMatch(/cannot create embeddings/);
    expect(g.sim.requests).toHaveLength(0);
  });

  it('an invalid body is a 400 saying which field', async () => {
    const error = await client()
      .embeddings.create({ model: 'text-embedding-3-small', input: '' })
      .catch((e: unknown) => e);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toMatch(/input/);
  });
});
