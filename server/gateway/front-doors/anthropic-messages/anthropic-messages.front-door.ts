import { heldSearches } from '../../billing/estimate.js';
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
    const tools = parsed.request.tools ?? [];
    const droppedTools = tools.filter((tool) => tool.type != null && tool.type !== 'custom').map((tool) => tool.name);
    // Each web search tool (`web_search_20250305`, …) may bound its own uses.
    const webSearchLimit = tools.reduce(
      (sum, tool) => sum + (tool.type?.startsWith('web_search') ? heldSearches((tool as { max_uses?: unknown }).max_uses) : 0),
      0,
    );
    return {
      ok: true,
      value: parsed.canonical,
      raw: body as Record<string, unknown>,
      ...(droppedTools.length > 0 ? { droppedTools } : {}),
      ...(parsed.dropped.length > 0 ? { dropped: parsed.dropped } : {}),
      ...(webSearchLimit > 0 ? { webSearchLimit } : {}),
    };
  },
  renderResponse: renderMessage,
  streamRenderer: createMessagesStreamRenderer,
  renderError: (status, _code, message) => ({ body: messagesErrorBody(errorTypeForStatus(status), message) }),
  passThrough: messagesPassThrough,
};
