import { parseChatRequest } from '../../../providers/canonical-request.js';
import type { FrontDoor } from '../front-door.js';
import { createStreamShaper, toChatCompletion } from './chat-completion.renderer.js';

/**
 * `POST /v1/chat/completions`. Its wire format is the canonical request itself, so parsing is
 * validation; answers are `chat.completion` objects and `chat.completion.chunk` frames.
 */
export const openAiChatFrontDoor: FrontDoor = {
  id: 'openai-chat',
  parse(body) {
    const parsed = parseChatRequest(body);
    return parsed.ok ? { ok: true, value: parsed.value, raw: body as Record<string, unknown> } : parsed;
  },
  renderResponse: (events, context) =>
    toChatCompletion(events, { id: `chatcmpl-${context.requestId}`, created: context.created, model: context.model }),
  streamRenderer: (context) =>
    createStreamShaper({
      id: `chatcmpl-${context.requestId}`,
      created: context.created,
      model: context.model,
      includeUsage: context.includeUsage,
    }),
  renderError: (_status, code, message, type) => ({ body: { error: { message, type, code, param: null } } }),
};
