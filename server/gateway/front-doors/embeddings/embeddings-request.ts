import { z } from 'zod';
import { modelNameSchema } from '../../../providers/canonical-request.js';
import type { EmbeddingsRequest } from '../../../providers/embeddings.js';

/** OpenAI's limit on inputs in one request. */
const MAX_INPUTS = 2048;

const tokenIds = z.array(z.number().int().nonnegative()).min(1, 'a token-id input must not be empty');
const text = z.string().min(1, 'input must not be an empty string');

/** OpenAI's `/v1/embeddings` body; fields it does not model are ignored, like OpenAI's own server does. */
const embeddingsBodySchema = z.looseObject({
  model: modelNameSchema,
  input: z.union([text, z.array(text).min(1).max(MAX_INPUTS), tokenIds, z.array(tokenIds).min(1).max(MAX_INPUTS)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

export type EncodingFormat = 'float' | 'base64';

export type ParsedEmbeddings =
  | { ok: true; request: EmbeddingsRequest; encodingFormat: EncodingFormat; inputChars: number }
  | { ok: false; message: string };

/** True for a flat list of token ids (one input), as opposed to a list of inputs. */
function isTokenList(input: readonly unknown[]): input is number[] {
  return input.every((item) => typeof item === 'number');
}

/**
 * The client's body → the canonical request (input always a list, one entry per vector) and
 * its size in characters for estimates: a token id counts as 4 characters, i.e. one token.
 */
export function parseEmbeddingsBody(body: unknown): ParsedEmbeddings {
  const parsed = embeddingsBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `Invalid embeddings request: ${where}${issue?.message ?? 'malformed body'}` };
  }
  const { model, input, encoding_format, dimensions, user } = parsed.data;
  const inputs = typeof input === 'string' ? [input] : isTokenList(input) ? [input] : (input as (string | number[])[]);
  const inputChars = inputs.reduce((sum, entry) => sum + (typeof entry === 'string' ? entry.length : entry.length * 4), 0);
  return {
    ok: true,
    request: { model, input: inputs, ...(dimensions !== undefined ? { dimensions } : {}), ...(user !== undefined ? { user } : {}) },
    encodingFormat: encoding_format ?? 'float',
    inputChars,
  };
}
