import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A client must finish sending its request body within `timeoutMs`. Node's own
 * requestTimeout did not cut off a client trickling a body in byte by byte (checked here),
 * so the bound is enforced per request: 408 if nothing was answered yet, then close.
 * Called for every request by the request guards (request-guards.ts).
 */
export function armBodyDeadline(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  const raw = request.raw;
  if (raw.readableEnded || (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined)) return;
  const timer = setTimeout(() => {
    if (raw.readableEnded) return;
    if (!reply.raw.headersSent) {
      reply.raw.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
      reply.raw.end(
        JSON.stringify({ error: { message: `The request body did not arrive within ${timeoutMs} ms`, code: 'REQUEST_TIMEOUT' } }),
      );
    }
    raw.socket?.destroy();
  }, timeoutMs);
  timer.unref();
  // One listener, not one for the body's end and one for a client gone: the request stream
  // closes right after its body ends (Node destroys it once read) and when the client goes.
  raw.on('close', () => clearTimeout(timer));
}
