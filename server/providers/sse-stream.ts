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

type SseItem = { kind: 'message'; message: EventSourceMessage } | { kind: 'transport-error'; error: unknown };

/** SSE messages of a byte stream; a failing body yields one `transport-error` item and stops. */
export async function* readSseMessages(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseItem> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      while (queue.length > 0) yield { kind: 'message', message: queue.shift() as EventSourceMessage };
    }
    // A last event without its blank line still counts (some servers end that way).
    parser.feed(`${decoder.decode()}\n\n`);
  } catch (error) {
    yield { kind: 'transport-error', error };
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
