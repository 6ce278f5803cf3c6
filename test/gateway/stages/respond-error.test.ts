import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestRun } from '../../../server/gateway/request-run.js';
import { respondError } from '../../../server/gateway/stages/respond.stage.js';
import { createLogger } from '../../../server/observability/logger.js';

const frontDoor = { renderError: (status: number, code: string, message: string) => ({ body: { error: { status, code, message } } }) };
const logger = createLogger({ level: 'silent' });

/** Sends one request over a raw socket; resolves with what came back and how long the socket stayed open. */
function ask(port: number, path: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    setTimeout(() => reject(new Error(`the connection was left open; got: ${JSON.stringify(answer)}`)), 3_000).unref();
  });
}

/**
 * An error that reaches the pipeline after the answer was committed (hijacked from Fastify) can
 * no longer be sent: the connection must be cut, not left open for the client to wait on.
 */
describe('respondError after the answer was committed', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify();
    // Writing the head threw (an invalid header value), after commit.
    app.get('/head-threw', async (request, reply) => {
      const run = new RequestRun(request.id);
      run.commit();
      reply.hijack();
      try {
        reply.raw.writeHead(200, { 'x-bad': 'a\r\nb' });
      } catch (error) {
        respondError(run, frontDoor, reply, error, logger);
      }
    });
    // A stream that broke half-way, without its end.
    app.get('/half-written', async (request, reply) => {
      const run = new RequestRun(request.id);
      run.commit();
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      await new Promise((resolve) => reply.raw.write('data: {"partial":true}\n\n', resolve));
      respondError(run, frontDoor, reply, new Error('a bug after commit'), logger);
    });
    // Before commit the error is answered in the front door's shape, as ever.
    app.get('/before-commit', async (request, reply) => {
      respondError(new RequestRun(request.id), frontDoor, reply, new Error('boom'), logger);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  it('cuts the connection when writing the head threw', async () => {
    const { answer, closedAfterMs } = await ask(port, '/head-threw');
    expect(answer).toBe('');
    expect(closedAfterMs).toBeLessThan(1_000);
  });

  it('cuts the connection of a half-written stream', async () => {
    const { answer, closedAfterMs } = await ask(port, '/half-written');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"partial":true');
    expect(closedAfterMs).toBeLessThan(1_000);
  });

  it('answers an error before commit in the front door’s shape, on a connection kept alive', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/before-commit`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { status: 500 } });
  });
});
