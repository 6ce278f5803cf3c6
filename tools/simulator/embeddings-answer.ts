/**
 * Embeddings in each upstream's wire format: OpenAI-compatible `/embeddings` (OpenAI, Mistral,
 * Together, Fireworks, custom servers) and Gemini's `:batchEmbedContents`. Vectors are
 * deterministic (seeded by a hash of the input, unit length) and `dimensions` is honoured, so
 * tests can compare answers; usage is a token estimate (4 characters a token, one a token id),
 * and Gemini, like the real API, reports none.
 */
import { createHash } from 'node:crypto';
import type { Wire } from './fixture-store.js';

type Body = Record<string, unknown>;

/** Each model's native vector length; others get 768. */
const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
  'mistral-embed': 1024,
  'gemini-embedding-001': 3072,
};

/** Token estimate the simulator reports for one input: ~4 characters a token for text, one per token id. */
export function simulatedTokens(input: string | readonly number[]): number {
  return typeof input === 'string' ? Math.max(1, Math.ceil(input.length / 4)) : input.length;
}

/** A unit-length vector of `dimensions` floats, the same for the same input. */
export function simulatedVector(input: string | readonly number[], dimensions: number): number[] {
  const seed = createHash('sha256').update(JSON.stringify(input)).digest();
  let state = seed.readUInt32LE(0);
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    // mulberry32: small, fast and deterministic.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    raw.push(((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1);
  }
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1;
  // Six decimals, like real answers; float32-exact enough for base64 round trips.
  return raw.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

function inputsOf(input: unknown): (string | number[])[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  return input as (string | number[])[];
}

function base64Vector(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

function dimensionsFor(model: string, asked: unknown): number {
  return typeof asked === 'number' && asked > 0 ? asked : (NATIVE_DIMENSIONS[model] ?? 768);
}

function compatibleAnswer(provider: string, body: Body): string {
  const model = typeof body.model === 'string' ? body.model : 'embedding-model';
  // Mistral calls the option `output_dimension`.
  const dimensions = dimensionsFor(model, body.dimensions ?? body.output_dimension);
  const inputs = inputsOf(body.input);
  const tokens = inputs.reduce((sum, input) => sum + simulatedTokens(input), 0);
  const data = inputs.map((input, index) => {
    const vector = simulatedVector(input, dimensions);
    return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? base64Vector(vector) : vector };
  });
  const usage =
    provider === 'mistral'
      ? { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 }
      : { prompt_tokens: tokens, total_tokens: tokens };
  return JSON.stringify({
    ...(provider === 'mistral' ? { id: createHash('sha1').update(model).digest('hex').slice(0, 32) } : {}),
    object: 'list',
    data,
    model,
    usage,
  });
}

function geminiAnswer(body: Body, model: string): string {
  const requests = Array.isArray(body.requests) ? (body.requests as Body[]) : [];
  const embeddings = requests.map((request) => {
    const content = (request.content ?? {}) as { parts?: { text?: string }[] };
    const text = (content.parts ?? []).map((part) => part.text ?? '').join('');
    return { values: simulatedVector(text, dimensionsFor(model, request.outputDimensionality)) };
  });
  return JSON.stringify({ embeddings });
}

/** The JSON text of an embeddings answer for `body` in `wire`'s format. */
export function embeddingsAnswer(provider: string, wire: Wire, body: unknown, pathModel: string | undefined): string {
  const request = typeof body === 'object' && body !== null ? (body as Body) : {};
  return wire === 'google' ? geminiAnswer(request, pathModel ?? '') : compatibleAnswer(provider, request);
}
