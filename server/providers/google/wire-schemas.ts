import { z } from 'zod';

const usageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
});

const partSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.unknown().optional(), id: z.string().optional() }).optional(),
});

/** One GenerateContentResponse: the whole answer, or one chunk of a stream. */
export const generateResponseSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z.looseObject({ parts: z.array(partSchema).optional() }).nullish(),
        finishReason: z.string().nullish(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: usageMetadataSchema.nullish(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});

export const googleErrorSchema = z.looseObject({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z
    .array(
      z.looseObject({
        '@type': z.string().optional(),
        reason: z.string().optional(),
        retryDelay: z.string().optional(),
        violations: z.array(z.looseObject({ quotaId: z.string().optional() })).optional(),
      }),
    )
    .optional(),
});

export type GenerateResponse = z.infer<typeof generateResponseSchema>;
export type UsageMetadata = z.infer<typeof usageMetadataSchema>;
