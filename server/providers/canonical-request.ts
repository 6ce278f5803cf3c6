/**
 * The canonical request every front door parses into and every adapter translates from. Its
 * shape is OpenAI Chat Completions' (the most widely spoken format), so the Chat Completions
 * front door validates with it directly; it lives here because adapters import only providers/.
 */
import { z } from 'zod';
import { MAX_MODEL_NAME_LENGTH } from '../../shared/catalog/model-ref.js';

// Nested objects are loose: OpenAI-shaped upstreams receive fields keyplane does not model
// (e.g. `cache_control` on parts); translating adapters read only what they know.

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
// Parts keyplane does not translate itself (input_audio, file, …) pass to OpenAI-shaped upstreams as-is.
const otherPart = z.looseObject({ type: z.string().refine((t) => t !== 'text' && t !== 'image_url') });
const userPart = z.union([textPart, imagePart, otherPart]);

const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const systemMessage = z.looseObject({ role: z.literal('system'), content: textContent, name: z.string().optional() });
const developerMessage = z.looseObject({ role: z.literal('developer'), content: textContent, name: z.string().optional() });
const userMessage = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userPart)]),
  name: z.string().optional(),
});
const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: textContent.nullish(),
  tool_calls: z.array(toolCall).optional(),
  name: z.string().optional(),
  refusal: z.string().nullish(),
});
const toolMessage = z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) });

const chatMessageSchema = z.discriminatedUnion('role', [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage]);

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** A request's model name, bounded (MAX_MODEL_NAME_LENGTH): every front door's schema uses it. */
export const modelNameSchema = z
  .string()
  .min(1)
  .max(MAX_MODEL_NAME_LENGTH, { error: `model is at most ${MAX_MODEL_NAME_LENGTH} characters` });

/** The OpenAI Chat Completions request fields keyplane understands. */
const chatRequestSchema = z.object({
  model: modelNameSchema,
  messages: z.array(chatMessageSchema).min(1),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  // Every adapter's events describe one choice; n > 1 would need one event stream per choice.
  n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  response_format: responseFormat.optional(),
  user: z.string().optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** A validated request plus the fields keyplane does not know, kept apart. */
/**
 * The most output a request lets the model write: the larger of its two limits when it sends
 * both, since upstreams differ in which one they obey (an OpenAI-compatible one may be sent
 * `max_tokens` where Anthropic's and Google's read `max_completion_tokens`). Holds are sized on
 * it, so no upstream's choice can make a request cost more than was held. Null: no limit sent.
 */
export function outputLimit(request: Pick<ChatRequest, 'max_tokens' | 'max_completion_tokens'>): number | null {
  const limits = [request.max_tokens, request.max_completion_tokens].filter((limit): limit is number => limit != null);
  return limits.length > 0 ? Math.max(...limits) : null;
}

export interface ParsedChatRequest {
  request: ChatRequest;
  /** Unknown top-level fields; adapters forward them only where the provider accepts them. */
  extra: Readonly<Record<string, unknown>>;
}

export type ChatRequestParseResult = { ok: true; value: ParsedChatRequest } | { ok: false; message: string };

const KNOWN_FIELDS = new Set(Object.keys(chatRequestSchema.shape));

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/**
 * Validate a Chat Completions request body. On failure, `message` is a
 * human-readable sentence for a 400 (`messages[1].role: …; temperature: …`).
 */
export function parseChatRequest(body: unknown): ChatRequestParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The request body must be a JSON object.' };
  }
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) {
    const message = result.error.issues
      .slice(0, 5)
      .map((issue) => {
        const path = formatPath(issue.path);
        return path ? `${path}: ${issue.message}` : issue.message;
      })
      .join('; ');
    return { ok: false, message: `Invalid request: ${message}` };
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!KNOWN_FIELDS.has(key)) extra[key] = value;
  }
  return { ok: true, value: { request: result.data, extra } };
}

/** The text of a string-or-parts content, parts joined without separators. */
export function contentText(content: string | readonly { type: string; text?: string }[] | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}
