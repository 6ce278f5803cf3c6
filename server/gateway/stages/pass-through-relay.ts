import { createParser } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import type { BuildContext, ProviderAdapter, UpstreamRequest } from '../../providers/adapter.js';
import type { ClassifiedFailure } from '../../providers/classify-failure.js';
import type { UsageEvent } from '../../providers/events.js';
import { MAX_SSE_EVENT_CHARS, SSE_EVENT_TOO_LARGE } from '../../providers/sse-stream.js';
import type { PassThrough } from '../front-doors/front-door.js';
import type { ResponseSink } from '../request-context.js';
import type { RequestRun } from '../request-run.js';
import type { SecretScrubber } from '../secret-scrubber.js';
import { readAnswerText, unreadableAnswerMessage } from './upstream-body.js';

/** One attempt's outcome: answered, or failed (retryable only while nothing reached the client). */
export type AttemptResult = { done: true } | { done: false; failure: ClassifiedFailure; retry: boolean };

/**
 * The client's own body to the upstream that speaks its format: only the model (and what the
 * front door's `prepareBody` changes) differs. Client headers named by the front door are
 * forwarded; credentials never are — the client's `x-api-key` is its gateway key.
 */
export function passThroughRequest(
  passThrough: Pick<PassThrough, 'path' | 'forwardHeaders' | 'prepareBody'>,
  input: { raw: Record<string, unknown>; headers: Readonly<Record<string, string | string[] | undefined>> },
  adapter: ProviderAdapter,
  context: BuildContext,
): UpstreamRequest {
  const auth = adapter.authHeaders(context.apiKey);
  const credentials = new Set(['authorization', 'x-api-key', 'x-goog-api-key', ...Object.keys(auth)]);
  const forwarded: Record<string, string> = {};
  for (const name of passThrough.forwardHeaders) {
    const value = input.headers[name];
    if (credentials.has(name) || value === undefined) continue;
    forwarded[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    url: `${context.baseUrl.replace(/\/+$/, '')}${passThrough.path}`,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: context.stream ? 'text/event-stream' : 'application/json',
      ...auth,
      ...forwarded,
    },
    body: JSON.stringify(passThrough.prepareBody(input.raw, context.upstreamModel)),
  };
}

/** Relays a 2xx upstream answer to the client as it came, reading only usage from it. */
export async function relayPassThrough(
  run: RequestRun,
  passThrough: PassThrough,
  response: Dispatcher.ResponseData,
  sink: ResponseSink,
  scrub: SecretScrubber,
): Promise<AttemptResult> {
  const observe = (usage: UsageEvent | null) => {
    if (usage) run.observe(usage);
  };
  if (!run.stream) {
    let text: string;
    let json: unknown;
    try {
      text = await readAnswerText(response.body);
      json = JSON.parse(text);
    } catch (error) {
      if (run.cancellation.aborted)
        return { done: false, failure: { failureClass: 'CANCELLED', message: 'The client went away' }, retry: false };
      return { done: false, failure: { failureClass: 'UPSTREAM_ERROR', message: unreadableAnswerMessage(error) }, retry: true };
    }
    run.firstTokenAt ??= Date.now();
    observe(passThrough.usageFromJson(json));
    // A successful answer goes out as it came, like a translated one: pattern redaction would corrupt
    // ids, base64 and thinking signatures (Anthropic refuses a turn whose signature changed).
    await sink.passJson(text);
    return { done: true };
  }
  let upstreamError: string | null = null;
  const readUsage = passThrough.createStreamUsageReader?.() ?? passThrough.usageFromStreamEvent;
  let tooLarge = false;
  let ended = false;
  const parser = createParser({
    onEvent: (message) => {
      const end = passThrough.streamEnd(message.event, message.data);
      if (end) ended = true;
      // The upstream's own error event reaches the client as it is; the run records the failure.
      if (end === 'error') upstreamError = message.data.slice(0, 300);
      observe(readUsage(message.event, message.data));
      // What reached the client, for the bill of a stream that ends early (settle.stage.ts).
      run.outputChars += passThrough.outputCharsOfStreamEvent?.(message.event, message.data) ?? 0;
      run.webSearchesSeen += passThrough.webSearchesOfStreamEvent?.(message.event, message.data) ?? 0;
    },
    // The parser holds an event until its blank line: the same ceiling as translated streams.
    maxBufferSize: MAX_SSE_EVENT_CHARS,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      if (!text) continue;
      parser.feed(text);
      // Thrown out of the loop, which ends the body: nothing more is read or buffered.
      if (tooLarge) throw new Error(SSE_EVENT_TOO_LARGE);
      run.firstTokenAt ??= Date.now();
      await sink.passChunk(text);
    }
    const rest = decoder.decode();
    if (rest) await sink.passChunk(rest);
    // A last event some servers end without its blank line is an event all the same.
    parser.feed(`${rest}\n\n`);
  } catch (error) {
    const message = scrub.text(`Upstream stream broke: ${(error as Error).message}`);
    return cutShort(run, sink, message, `The provider's stream broke off: ${message}`);
  }
  if (!ended) {
    // Closed cleanly, but before the answer's last event: cut short, like a broken stream
    // (or the client left as it closed).
    const message = run.cancellation.aborted ? 'The client went away' : "The provider's stream ended before its last event";
    return cutShort(run, sink, message, message);
  }
  if (upstreamError !== null) run.fail('FAILED', 'STREAM_INTERRUPTED', 200, scrub.text(upstreamError));
  sink.passEnd();
  return { done: true };
}

/**
 * A stream that ended before its answer did (broken, or closed early): with nothing relayed yet,
 * a failed attempt (retried unless the client left); after that, recorded on the run and told to
 * the client in the front door's error frame (`told`).
 */
async function cutShort(run: RequestRun, sink: ResponseSink, message: string, told: string): Promise<AttemptResult> {
  const cancelled = run.cancellation.aborted;
  if (!run.committed)
    return { done: false, failure: { failureClass: cancelled ? 'CANCELLED' : 'STREAM_INTERRUPTED', message }, retry: !cancelled };
  run.fail(cancelled ? 'CANCELLED' : 'FAILED', cancelled ? 'CANCELLED' : 'STREAM_INTERRUPTED', 200, message);
  await sink.interrupt('STREAM_INTERRUPTED', told);
  return { done: true };
}
