import { z } from 'zod';

const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  /** The cache writes split by lifetime (the two add up to cache_creation_input_tokens). */
  cache_creation: z
    .looseObject({ ephemeral_5m_input_tokens: z.number().nullish(), ephemeral_1h_input_tokens: z.number().nullish() })
    .nullish(),
  /** Server tools' uses: web searches are billed per search. */
  server_tool_use: z.looseObject({ web_search_requests: z.number().nullish() }).nullish(),
});

const contentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  /** `thinking` blocks: the reasoning and the signature that lets it be sent back. */
  thinking: z.string().optional(),
  signature: z.string().optional(),
  /** `redacted_thinking` blocks: encrypted reasoning. */
  data: z.string().optional(),
});

export const messageSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  content: z.array(contentBlockSchema),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});

export const anthropicErrorSchema = z.looseObject({ type: z.string().optional(), message: z.string().optional() });

/** One SSE `data:` payload of the Messages stream; `type` repeats the SSE event name. */
export const streamEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message_start'),
    message: z.looseObject({ id: z.string().optional(), model: z.string().optional(), usage: anthropicUsageSchema.nullish() }),
  }),
  z.looseObject({ type: z.literal('content_block_start'), index: z.number(), content_block: contentBlockSchema }),
  z.looseObject({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.looseObject({
      type: z.string(),
      text: z.string().optional(),
      partial_json: z.string().optional(),
      thinking: z.string().optional(),
      signature: z.string().optional(),
    }),
  }),
  z.looseObject({ type: z.literal('content_block_stop'), index: z.number() }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish() }),
    usage: anthropicUsageSchema.nullish(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  z.looseObject({ type: z.literal('error'), error: anthropicErrorSchema }),
]);

export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;
