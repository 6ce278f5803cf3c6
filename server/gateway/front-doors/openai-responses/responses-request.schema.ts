import { z } from 'zod';
import { modelNameSchema } from '../../../providers/canonical-request.js';

// Loose objects throughout: OpenAI adds fields to the Responses API often, and a request that
// passes through to OpenAI must not be refused for a field keyplane does not translate.

const inputText = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high']).nullish(),
});
const otherPart = z.looseObject({ type: z.string() });
/**
 * A content part. The parts keyplane reads are told apart by `type` first (a discriminated
 * union checks one schema), and only a part of another type falls through to `otherPart`: a
 * plain union tried every schema in turn and wrote an issue for each one that failed, which was
 * most of the Responses door's validation time on Codex's 170 KB turns.
 */
export const contentPart = z.union([z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage]), otherPart]);

const messageFields = {
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentPart)]),
};
const message = z.looseObject({ type: z.literal('message').optional(), ...messageFields });
const functionCall = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  namespace: z.string().nullish(),
});
const functionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});
const customToolCall = z.looseObject({
  type: z.literal('custom_tool_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  input: z.string(),
  namespace: z.string().nullish(),
});
const customToolCallOutput = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPart)]),
});
const reasoning = z.looseObject({ type: z.literal('reasoning') });
const otherItem = z.looseObject({ type: z.string() });

/**
 * One input item; a message may omit `type`. The typed items keyplane reads are told apart by
 * `type` first (see contentPart); a message without `type`, then an item of another type, after.
 * The types are exclusive, so the schema that accepts an item is the one the plain union's order
 * picked.
 */
export const inputItem = z.union([
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('message'), ...messageFields }),
    functionCall,
    functionCallOutput,
    customToolCall,
    customToolCallOutput,
    reasoning,
  ]),
  message,
  otherItem,
]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
const customTool = z.looseObject({ type: z.literal('custom'), name: z.string().min(1), description: z.string().nullish() });
const namespaceTool = z.looseObject({
  type: z.literal('namespace'),
  name: z.string().min(1),
  description: z.string().nullish(),
  tools: z.array(z.union([functionTool, customTool, z.looseObject({ type: z.string() })])),
});
const builtInTool = z.looseObject({ type: z.string() });
export const tool = z.union([functionTool, customTool, namespaceTool, builtInTool]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.enum(['function', 'custom']), name: z.string().min(1), namespace: z.string().nullish() }),
  z.looseObject({ type: z.literal('allowed_tools'), mode: z.enum(['auto', 'required']) }),
  z.looseObject({ type: z.string() }),
]);

const textFormat = z.union([
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
  z.looseObject({ type: z.enum(['text', 'json_object']) }),
]);

/** The Responses request fields keyplane reads; the rest stays in the raw body (and passes through to OpenAI). */
export const responsesRequestSchema = z.looseObject({
  model: modelNameSchema,
  input: z.union([z.string(), z.array(inputItem)]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  text: z.looseObject({ format: textFormat.nullish() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
  user: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type InputItem = z.infer<typeof inputItem>;
export type ContentPart = z.infer<typeof contentPart>;
export type ResponsesTool = z.infer<typeof tool>;
