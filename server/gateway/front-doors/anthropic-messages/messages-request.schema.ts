import { z } from 'zod';
import { modelNameSchema } from '../../../providers/canonical-request.js';

// Loose objects throughout: Anthropic adds block types and fields often (cache_control, citations,
// caller, …). Routed to Anthropic the body passes through as sent, so validation only rejects
// what no upstream could take; translation reads the fields it knows and reports the rest.

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

const imageSource = z.union([
  z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.string() }),
]);
const imageBlock = z.looseObject({ type: z.literal('image'), source: imageSource });

const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  is_error: z.boolean().optional(),
});
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() });
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });
/** Documents, server tool results, search results, …: kept for Anthropic, reported when translated. */
const otherBlock = z.looseObject({ type: z.string() });

/**
 * A content block. The blocks keyplane reads are told apart by `type` first (a discriminated
 * union checks the one schema); only a block of another type, or one the schema of its type
 * refuses, falls through to `otherBlock`, as in a plain union — which tried every schema in turn
 * and wrote an issue for each that failed, for every tool_use, tool_result and thinking block of
 * an agent's conversation.
 */
const contentBlock = z.union([
  z.discriminatedUnion('type', [textBlock, imageBlock, toolResultBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock]),
  otherBlock,
]);

// `system` turns mid-conversation: Claude Code sends them with the `mid-conversation-system` beta.
const messageParam = z.looseObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

/** A client tool (`input_schema`) or a server tool (`type: "web_search_20250305"`, …). */
const toolParam = z.looseObject({
  name: z.string().min(1),
  type: z.string().nullish(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
});

const toolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
]);

const thinkingConfig = z.looseObject({ type: z.string(), budget_tokens: z.number().int().optional() });

/** The Messages API request fields keyplane reads (`POST /v1/messages`, and `count_tokens` without `max_tokens`). */
export const messagesRequestSchema = z.looseObject({
  model: modelNameSchema,
  messages: z.array(messageParam).min(1),
  max_tokens: z.number().int().positive().optional(),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(toolParam).optional(),
  tool_choice: toolChoice.optional(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  thinking: thinkingConfig.optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  output_config: z
    .looseObject({
      format: z.looseObject({ type: z.string(), schema: z.record(z.string(), z.unknown()).optional() }).nullish(),
    })
    .optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type MessageParam = z.infer<typeof messageParam>;
export type ContentBlockParam = z.infer<typeof contentBlock>;
