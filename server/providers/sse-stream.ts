import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { errorEvent, type ProviderEvent } from './events.js';

/** Per-stream state machine an adapter supplies to `runSseStream`. */
export interface SseStreamHandler {
  /** Events for one SSE message; may throw on malformed data (becomes an `error` event). */
  onMessage(message: EventSourceMessage): ProviderEvent[];
  /** Events to flush when the body ends cleanly (e.g. a final usage). */
  onEnd?(): ProviderEvent[];
  /** True once the upstream signalled a normal end (`[DONE]`, `message_stop`, a finish reason). */
  finished(): boolean;
}

/**
 * The most characters one SSE event (or a line not yet ended) may hold. Events are small deltas;
 * the largest real ones carry a whole generated image as base64 (a few MB). An upstream that
 * never ends its line or event would otherwise grow the buffer until the process runs out of memory.
 */
export const MAX_SSE_EVENT_CHARS = 16 * 1024 * 1024;

/** What a stream that outgrew MAX_SSE_EVENT_CHARS fails with. */
export const SSE_EVENT_TOO_LARGE = `The upstream's answer was too large: a stream event over ${MAX_SSE_EVENT_CHARS / (1024 * 1024)} MB`;

type SseItem = { kind: 'message'; message: EventSourceMessage } | { kind: 'transport-error'; error: unknown } | { kind: 'too-large' };

/**
 * SSE messages of a byte stream; a failing body yields one `transport-error` item and stops, an
 * event over MAX_SSE_EVENT_CHARS one `too-large` item (and the rest of the body is not read).
 */
export async function* readSseMessages(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseItem> {
  const queue: EventSourceMessage[] = [];
  let tooLarge = false;
  const parser = createParser({
    onEvent: (message) => queue.push(message),
    maxBufferSize: MAX_SSE_EVENT_CHARS,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      while (queue.length > 0) yield { kind: 'message', message: queue.shift() as EventSourceMessage };
      // Leaving the loop ends the body: the connection closes, nothing more is buffered.
      if (tooLarge) break;
    }
    // A last event without its blank line still counts (some servers end that way).
    if (!tooLarge) parser.feed(`${decoder.decode()}\n\n`);
  } catch (error) {
    yield { kind: 'transport-error', error };
    return;
  }
  if (tooLarge) {
    yield { kind: 'too-large' };
    return;
  }
  while (queue.length > 0) yield { kind: 'message', message: queue.shift() as EventSourceMessage };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * Drive an adapter's handler over an SSE body, enforcing the event contract:
 * never throws, and an `error` event is the last thing yielded.
 */
export async function* runSseStream(body: AsyncIterable<Uint8Array>, handler: SseStreamHandler): AsyncGenerator<ProviderEvent> {
  for await (const item of readSseMessages(body)) {
    if (item.kind === 'transport-error') {
      yield errorEvent('STREAM_INTERRUPTED', `Upstream stream broke: ${describe(item.error)}`);
      return;
    }
    // A malformed answer like an unparseable chunk: retried elsewhere while nothing was sent.
    if (item.kind === 'too-large') {
      yield errorEvent('UPSTREAM_ERROR', SSE_EVENT_TOO_LARGE);
      return;
    }
    let events: ProviderEvent[];
    try {
      events = handler.onMessage(item.message);
    } catch (error) {
      yield errorEvent('UPSTREAM_ERROR', `Malformed stream chunk from upstream: ${describe(error)}`);
      return;
    }
    for (const event of events) {
      yield event;
      if (event.type === 'error') return;
    }
  }
  for (const event of handler.onEnd?.() ?? []) {
    yield event;
    if (event.type === 'error') return;
  }
  if (!handler.finished()) {
    yield errorEvent('STREAM_INTERRUPTED', 'Upstream stream ended before the response was complete');
  }
}

/** JSON.parse that reports failure instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** An error body as JSON when it is JSON text, else the text itself. */
export function errorBodyValue(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  const parsed = parseJson(body);
  return parsed.ok ? parsed.value : body;
}

/** A short, single-line excerpt of an unparseable body for error messages. */
export function bodyExcerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
