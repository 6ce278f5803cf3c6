import type { FastifyInstance } from 'fastify';

/**
 * A client must finish sending its request body within `timeoutMs`. Node's own
 * requestTimeout did not cut off a client trickling a body in byte by byte (checked here),
 * so the bound is enforced per request: 408 if nothing was answered yet, then close.
 */
export function limitSlowClients(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (raw.readableEnded || (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined)) {
      done();
      return;
    }
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
    raw.once('end', () => clearTimeout(timer));
    raw.once('close', () => clearTimeout(timer));
    done();
  });
}
