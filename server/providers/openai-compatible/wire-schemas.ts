import { z } from 'zod';

// Each schema declares only what the parser reads; other members are dropped, not copied (a
// loose object copies every unknown member of every answer and chunk, which cost four times
// the validation itself).

/** `usage` of OpenAI-shaped providers, including DeepSeek's cache-hit fields and reasoning tokens. */
const usageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
  prompt_cache_hit_tokens: z.number().nullish(),
});

// Mistral's reasoning models send content as an array of typed chunks.
const contentSchema = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]);

const toolCallSchema = z.object({
  index: z.number().optional(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const errorObjectSchema = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
});

/** Reasoning text: DeepSeek (and vLLM, Together) call it `reasoning_content`, Groq and OpenRouter `reasoning`. */
const reasoningFields = { reasoning_content: z.string().nullish(), reasoning: z.string().nullish() };

export const completionSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.object({
      message: z.object({
        content: contentSchema.nullish(),
        ...reasoningFields,
        tool_calls: z.array(toolCallSchema).nullish(),
        refusal: z.string().nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});

export const chunkSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z.object({ content: contentSchema.nullish(), ...reasoningFields, tool_calls: z.array(toolCallSchema).nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .optional(),
  usage: usageSchema.nullish(),
  // Groq reports stream usage under x_groq on the last chunk.
  x_groq: z.object({ usage: usageSchema.nullish() }).nullish(),
  error: errorObjectSchema.nullish(),
});

export type WireUsage = z.infer<typeof usageSchema>;
export type WireContent = z.infer<typeof contentSchema>;
