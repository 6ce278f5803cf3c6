import type { FrontDoor } from '../front-door.js';
import { ResponseBuilder } from './response-builder.js';
import { responsesPassThrough } from './responses-pass-through.js';
import { createResponsesStreamRenderer } from './responses-stream.js';
import { parseResponsesRequest } from './responses-to-canonical.js';

/**
 * `POST /v1/responses` (OpenAI's Responses API, used by Codex and the OpenAI Agents SDK). Routed
 * to OpenAI it passes through; elsewhere it is translated to and from the canonical request.
 * Errors use OpenAI's envelope; in a stream, an `error` event and `response.failed`.
 */
export const openAiResponsesFrontDoor: FrontDoor = {
  id: 'openai-responses',
  parse: parseResponsesRequest,
  renderResponse(events, context) {
    const builder = new ResponseBuilder(context);
    for (const event of events) builder.push(event);
    builder.finish();
    return builder.response();
  },
  streamRenderer: createResponsesStreamRenderer,
  renderError: (_status, code, message, type) => ({ body: { error: { message, type, code, param: null } } }),
  passThrough: responsesPassThrough,
};
