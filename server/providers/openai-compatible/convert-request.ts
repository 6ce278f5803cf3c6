import type { BuildContext } from '../adapter.js';
import type { ParsedChatRequest } from '../canonical-request.js';
import type { OpenAiCompatibleOptions } from './options.js';

function withoutNullish(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}

function allowedExtras(extra: Readonly<Record<string, unknown>>, policy: OpenAiCompatibleOptions['extraFields']) {
  if (policy === 'all') return extra;
  if (policy === 'none') return {};
  return Object.fromEntries(Object.entries(extra).filter(([key]) => policy.includes(key)));
}

/** The upstream JSON body: the request is already OpenAI-shaped, so this applies quirks only. */
export function buildCompatibleBody(
  parsed: ParsedChatRequest,
  context: BuildContext,
  options: OpenAiCompatibleOptions,
): Record<string, unknown> {
  const { request } = parsed;
  const body: Record<string, unknown> = {
    ...allowedExtras(parsed.extra, options.extraFields),
    ...withoutNullish({ ...request }),
    model: context.upstreamModel,
    stream: context.stream,
  };
  if (options.developerRole === 'system') {
    body.messages = request.messages.map((m) => (m.role === 'developer' ? { ...m, role: 'system' } : m));
  }
  if (options.maxTokensField === 'max_tokens' && request.max_completion_tokens != null) {
    body.max_tokens = request.max_tokens ?? request.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  if (!context.stream) {
    delete body.stream_options;
  } else if (options.streamUsage === 'stream_options') {
    // The gateway needs usage to settle cost; openai-shape drops it again if the client did not ask.
    body.stream_options = { ...request.stream_options, include_usage: true };
  } else {
    delete body.stream_options;
  }
  return options.rewriteBody ? options.rewriteBody(body) : body;
}
