import type { FrontDoor } from '../front-door.js';
import { errorTypeForStatus, messagesErrorBody } from './messages-errors.js';
import { messagesPassThrough } from './messages-pass-through.js';
import { renderMessage } from './messages-response.js';
import { createMessagesStreamRenderer } from './messages-stream.js';
import { parseMessagesRequest } from './messages-to-canonical.js';

/**
 * `POST /v1/messages`, Anthropic's Messages API. Routed to Anthropic the body passes through
 * as sent; routed elsewhere it is translated to the canonical request, and the canonical events
 * are rendered back as a `message` or its stream events. Errors use Anthropic's shape.
 */
export const anthropicMessagesFrontDoor: FrontDoor = {
  id: 'anthropic-messages',
  parse(body) {
    const parsed = parseMessagesRequest(body, { requireMaxTokens: true });
    if (!parsed.ok) return parsed;
    const droppedTools = (parsed.request.tools ?? [])
      .filter((tool) => tool.type != null && tool.type !== 'custom')
      .map((tool) => tool.name);
    return {
      ok: true,
      value: parsed.canonical,
      raw: body as Record<string, unknown>,
      ...(droppedTools.length > 0 ? { droppedTools } : {}),
      ...(parsed.dropped.length > 0 ? { dropped: parsed.dropped } : {}),
    };
  },
  renderResponse: renderMessage,
  streamRenderer: createMessagesStreamRenderer,
  renderError: (status, _code, message) => ({ body: messagesErrorBody(errorTypeForStatus(status), message) }),
  passThrough: messagesPassThrough,
};
