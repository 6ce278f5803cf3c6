import type { FailureClass } from '../../../../shared/domain.js';
import type { RenderContext, StreamRenderer } from '../front-door.js';
import { ResponseBuilder, type ResponsesStreamEvent } from './response-builder.js';

/**
 * The Responses SSE stream: `event: <type>` plus a `data:` object carrying the same `type` and a
 * `sequence_number` counting from 0. No `[DONE]`: the stream ends after `response.completed`.
 */
export function createResponsesStreamRenderer(context: RenderContext): StreamRenderer {
  const builder = new ResponseBuilder(context);
  let sequence = 0;
  let closed = false;
  const frames = (events: readonly ResponsesStreamEvent[]) =>
    events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`).join('');
  return {
    push: (event) => (closed ? '' : frames(builder.push(event))),
    end() {
      if (closed) return '';
      closed = true;
      return frames(builder.finish());
    },
    error(failureClass: FailureClass, message: string) {
      if (closed) return '';
      closed = true;
      return frames(builder.fail(failureClass.toLowerCase(), message));
    },
  };
}
