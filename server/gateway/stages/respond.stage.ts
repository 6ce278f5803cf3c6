import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { FailureClass } from '../../../shared/domain.js';
import type { Logger } from '../../observability/logger.js';
import type { EmbeddingsResult } from '../../providers/embeddings.js';
import { estimateTokens } from '../billing/estimate.js';
import type { EmbeddingsFrontDoor } from '../front-doors/embeddings/embeddings.front-door.js';
import type { EncodingFormat } from '../front-doors/embeddings/embeddings-request.js';
import type { FrontDoor, StreamRenderer } from '../front-doors/front-door.js';
import { toGatewayError } from '../gateway-error.js';
import type { ResponseSink } from '../request-context.js';
import type { RequestRun } from '../request-run.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * The respond stage: writes the answer to the client in the front door's format — status,
 * headers, a JSON body or SSE frames with backpressure, the in-stream error frame — and marks
 * the run committed at the first byte (after which no retry may happen).
 */
export function createResponder(
  run: RequestRun,
  frontDoor: FrontDoor,
  reply: FastifyReply,
  request: { includeUsage: boolean; raw: Readonly<Record<string, unknown>> },
): ResponseSink {
  const context = { requestId: run.requestId, model: run.model, created: Math.floor(run.startedAt / 1000), ...request };
  const raw = reply.raw;
  let renderer: StreamRenderer | null = null;
  const write = async (text: string) => {
    if (text && !raw.write(text) && !raw.destroyed) await writable(raw);
  };
  const commitStream = () => {
    if (run.committed) return;
    run.commit();
    reply.hijack();
    raw.writeHead(200, { ...SSE_HEADERS, ...responseHeaders(run) });
  };
  const sendJson = (text: string) => {
    run.commit();
    writeJson(reply, responseHeaders(run), text);
  };
  const stream = () => {
    renderer ??= frontDoor.streamRenderer(context);
    return renderer;
  };
  return {
    complete: async (events) => sendJson(JSON.stringify(frontDoor.renderResponse(events, context))),
    async push(event) {
      const frame = stream().push(event);
      if (!frame) return;
      commitStream();
      await write(frame);
    },
    async end() {
      commitStream();
      await write(stream().end());
      raw.end();
    },
    async interrupt(failureClass: FailureClass, message: string) {
      if (raw.destroyed) return;
      await write(stream().error(failureClass, message));
      raw.end();
    },
    passJson: async (text) => sendJson(text),
    async passChunk(text) {
      commitStream();
      await write(text);
    },
    passEnd() {
      commitStream();
      raw.end();
    },
  };
}

/**
 * The embeddings answer: vectors in the front door's list, with the provider's token count or,
 * when it sent none, the same estimate settlement bills (from the input's size).
 */
export function createEmbeddingsResponder(
  run: RequestRun,
  frontDoor: EmbeddingsFrontDoor,
  reply: FastifyReply,
  encodingFormat: EncodingFormat,
): (result: EmbeddingsResult) => Promise<void> {
  return async (result) => {
    const inputTokens = run.usage?.inputTokens ?? estimateTokens(run.inputChars);
    run.commit();
    writeJson(
      reply,
      responseHeaders(run),
      JSON.stringify(frontDoor.renderResponse(result, { model: run.model, encodingFormat, inputTokens })),
    );
  };
}

/**
 * Resolves once the client can take more, or once it is gone: a client that stops reading and
 * then leaves never drains, and a relay waiting only for 'drain' would never reach settlement.
 */
function writable(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.once('drain', done);
    raw.once('close', done);
  });
}

/**
 * A 200 JSON answer written to the socket directly, as streams are: Fastify's send path
 * (serializer lookup, onSend hooks, header checks one by one) did more work than the write.
 * The security headers are already on the raw response (request-guards.ts).
 */
function writeJson(reply: FastifyReply, headers: Record<string, string>, body: string): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  reply.raw.end(body);
}

/** An error before the first byte, in the front door's own error shape; after it, nothing can be sent and the connection is cut. */
export function respondError(
  run: RequestRun,
  frontDoor: Pick<FrontDoor, 'renderError'>,
  reply: FastifyReply,
  error: unknown,
  logger: Logger,
): void {
  if (run.cancellation.aborted && !run.committed) {
    run.fail('CANCELLED', 'CANCELLED', 499, 'The client closed the connection');
    return;
  }
  const gatewayError = toGatewayError(error, run.requestId);
  if (gatewayError.httpStatus >= 500 && !gatewayError.options.failureClass)
    logger.error({ err: error, requestId: run.requestId }, 'Gateway request failed');
  run.fail('FAILED', gatewayError.options.failureClass ?? null, gatewayError.httpStatus, gatewayError.message);
  if (run.committed && !reply.raw.writableEnded) {
    // The answer was committed (hijacked from Fastify) and nothing will end it now: the client
    // would wait on a half-written answer, or on none if writing its head threw, until its own
    // timeout. Cut the connection, so it knows at once.
    reply.raw.destroy();
    return;
  }
  if (run.committed || reply.sent || reply.raw.headersSent) return;
  run.responding ??= run.trace.stage('respond');
  reply.code(gatewayError.httpStatus).header('x-keyplane-request-id', run.requestId);
  if (run.provider) reply.header('x-keyplane-provider', run.provider).header('x-keyplane-key-source', run.keySource ?? '');
  if (run.routing) reply.header('x-keyplane-route', routeSummary(run));
  if (gatewayError.options.retryAfterMs)
    reply.header('retry-after', String(Math.max(1, Math.ceil(gatewayError.options.retryAfterMs / 1000))));
  const rendering = frontDoor.renderError(gatewayError.httpStatus, gatewayError.wireCode, gatewayError.message, gatewayError.type);
  void reply.send(rendering.body);
}

function responseHeaders(run: RequestRun): Record<string, string> {
  const headers: Record<string, string> = {
    'x-keyplane-request-id': run.requestId,
    'x-keyplane-provider': run.provider ?? '',
    'x-keyplane-key-source': run.keySource ?? '',
    'x-keyplane-route': routeSummary(run),
  };
  // A translated request went without the tools no upstream could run; a passed-through one kept them.
  // Tool names are the client's text: a CR, LF or non-Latin-1 character would make writeHead throw.
  if (run.droppedTools.length > 0 && !run.passedThrough)
    headers['x-keyplane-dropped-tools'] = asciiHeaderValue(run.droppedTools.join(', '));
  return headers;
}

/** `openai:byok; attempts=2; failed=groq:byok=RATE_LIMIT; why=…` — the routing decision in one header. */
function routeSummary(run: RequestRun): string {
  const failed = run.routing?.attempts.filter((a) => a.outcome !== 'ok').map((a) => `${a.provider}:${a.source}=${a.outcome}`) ?? [];
  const parts = [`${run.provider ?? '-'}:${run.keySource ?? '-'}`, `attempts=${run.attempts}`];
  if (failed.length > 0) parts.push(`failed=${failed.join(',')}`);
  if (run.routing?.why) parts.push(`why=${run.routing.why}`);
  return asciiHeaderValue(parts.join('; '));
}

/** Header values must be Latin-1 without control characters: anything outside printable ASCII becomes `'`. */
function asciiHeaderValue(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "'");
}
