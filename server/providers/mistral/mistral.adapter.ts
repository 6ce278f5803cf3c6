import type { ProviderAdapter } from '../adapter.js';
import { createOpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter.js';

/** Mistral rejects tool call ids that are not exactly 9 letters/digits. */
export function mistralToolCallId(id: string): string {
  if (/^[a-zA-Z0-9]{9}$/.test(id)) return id;
  // FNV-1a, so the assistant's tool_calls and the matching tool messages map alike.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  let second = hash ^ 0x5bd1e995;
  second = Math.imul(second, 0x01000193) >>> 0;
  return (hash.toString(36) + second.toString(36)).padStart(9, '0').slice(0, 9);
}

function rewriteMessages(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((message: Record<string, unknown>) => {
    const next: Record<string, unknown> = { ...message };
    if (typeof next.tool_call_id === 'string') next.tool_call_id = mistralToolCallId(next.tool_call_id);
    if (Array.isArray(next.tool_calls)) {
      next.tool_calls = next.tool_calls.map((call: Record<string, unknown>) => ({
        ...call,
        id: typeof call.id === 'string' ? mistralToolCallId(call.id) : call.id,
      }));
    }
    return next;
  });
}

/** Mistral's renamed and missing fields (it answers 422 to fields it does not know). */
function rewriteMistralBody(body: Record<string, unknown>): Record<string, unknown> {
  const { seed, user: _user, tool_choice, messages, ...rest } = body;
  const out: Record<string, unknown> = { ...rest, messages: rewriteMessages(messages) };
  if (seed !== undefined) out.random_seed = seed;
  if (tool_choice !== undefined) out.tool_choice = tool_choice === 'required' ? 'any' : tool_choice;
  return out;
}

/** Mistral's embeddings take no `user` and call `dimensions` `output_dimension`. */
function rewriteMistralEmbeddings(body: Record<string, unknown>): Record<string, unknown> {
  const { user: _user, dimensions, ...rest } = body;
  return dimensions === undefined ? rest : { ...rest, output_dimension: dimensions };
}

/** Mistral's chat API is OpenAI-shaped; its differences are configuration. */
export function createMistralAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter({
    extraFields: ['safe_prompt', 'random_seed', 'prompt_mode', 'prediction'],
    maxTokensField: 'max_tokens',
    // Mistral puts usage on the last chunk unasked and rejects stream_options.
    streamUsage: 'always',
    developerRole: 'system',
    rewriteBody: rewriteMistralBody,
    embeddings: { rewriteBody: rewriteMistralEmbeddings },
  });
}
