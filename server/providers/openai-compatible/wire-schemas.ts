import { z } from 'zod';

/** `usage` of OpenAI-shaped providers, including DeepSeek's cache-hit fields and reasoning tokens. */
const usageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
  prompt_cache_hit_tokens: z.number().nullish(),
});

// Mistral's reasoning models send content as an array of typed chunks.
const contentSchema = z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]);

const toolCallSchema = z.looseObject({
  index: z.number().optional(),
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const errorObjectSchema = z.looseObject({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
});

/** Reasoning text: DeepSeek (and vLLM, Together) call it `reasoning_content`, Groq and OpenRouter `reasoning`. */
const reasoningFields = { reasoning_content: z.string().nullish(), reasoning: z.string().nullish() };

export const completionSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      message: z.looseObject({
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

export const chunkSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        delta: z
          .looseObject({ content: contentSchema.nullish(), ...reasoningFields, tool_calls: z.array(toolCallSchema).nullish() })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .optional(),
  usage: usageSchema.nullish(),
  // Groq reports stream usage under x_groq on the last chunk.
  x_groq: z.looseObject({ usage: usageSchema.nullish() }).nullish(),
  error: errorObjectSchema.nullish(),
});

export type WireUsage = z.infer<typeof usageSchema>;
export type WireContent = z.infer<typeof contentSchema>;
