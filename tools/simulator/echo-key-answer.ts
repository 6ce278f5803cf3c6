/**
 * Upstreams that echo the key they were sent, the way real ones do in auth errors: whole,
 * masked (`sk-pro...wxyz`, `****wxyz`) and as a fragment — in every place an answer can carry
 * text: a JSON error body, a plain-text error body, a stream chunk that is not JSON, and a
 * provider error event in the middle of a stream.
 */
import type { Wire } from './fixture-store.js';

export type EchoVia = 'json' | 'text' | 'stream-chunk' | 'sse-error';

/** The message an upstream writes around the key. */
export function echoMessage(key: string): string {
  return `Incorrect API key provided: ${key}. Shown as ${key.slice(0, 6)}...${key.slice(-4)} and ****${key.slice(-4)}; part ${key.slice(4, 16)}.`;
}

function jsonError(wire: Wire, status: number, message: string): unknown {
  if (wire === 'anthropic')
    return { type: 'error', error: { type: status === 401 ? 'authentication_error' : 'invalid_request_error', message } };
  if (wire === 'google') return { error: { code: status, message, status: status === 401 ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT' } };
  return { error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } };
}

function sseErrorEvent(wire: Wire, message: string): string {
  if (wire === 'anthropic')
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'authentication_error', message } })}\n\n`;
  if (wire === 'google') return `data: ${JSON.stringify({ error: { code: 401, message, status: 'UNAUTHENTICATED' } })}\n\n`;
  return `data: ${JSON.stringify({ error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } })}\n\n`;
}

/**
 * The whole answer for one echo. Streams first send some real events, so the client has
 * its 200 and the echo arrives mid-stream; `status` (default 400) is for the error bodies.
 */
export function echoAnswer(
  wire: Wire,
  via: EchoVia,
  key: string,
  events: readonly string[],
  status = 400,
): { status: number; contentType: string; body: string } {
  const message = echoMessage(key);
  if (via === 'json') return { status, contentType: 'application/json', body: JSON.stringify(jsonError(wire, status, message)) };
  if (via === 'text') return { status, contentType: 'text/plain', body: `Unauthorized. ${message}` };
  const head = events.slice(0, Math.min(2, events.length - 1)).join('');
  // Padding puts the key across the 80-character excerpt adapters quote from a bad chunk.
  const tail = via === 'stream-chunk' ? `data: proxy failure${' '.repeat(29)}${message}\n\n` : sseErrorEvent(wire, message);
  return { status: 200, contentType: 'text/event-stream; charset=utf-8', body: head + tail };
}
