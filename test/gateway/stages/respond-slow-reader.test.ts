import { connect } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrontDoor } from '../../../server/gateway/front-doors/front-door.js';
import { RequestRun } from '../../../server/gateway/request-run.js';
import { createResponder } from '../../../server/gateway/stages/respond.stage.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client that stops reading a stream and then leaves: the relay must come back from its wait
 * for the socket to drain (it never will), or the request is never settled nor billed.
 */
describe('respond stage: a client that stops reading, then leaves', () => {
  const app = Fastify();
  let port = 0;
  /** Frames written so far, and how the relay loop ended. */
  const relay = { written: 0, ended: null as null | 'returned' | 'threw' };

  beforeAll(async () => {
    app.post('/stream', async (_request, reply) => {
      const run = new RequestRun('slow-reader');
      const sink = createResponder(run, {} as FrontDoor, reply, { includeUsage: false, raw: {} });
      const frame = `data: ${'x'.repeat(16 * 1024)}\n\n`;
      try {
        // As the relay does: push frames as fast as the upstream gives them, each waiting for room.
        while (!reply.raw.destroyed) {
          await sink.passChunk(frame);
          relay.written += 1;
        }
        relay.ended = 'returned';
      } catch {
        relay.ended = 'threw';
      }
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  it('stops waiting for the socket to drain once the connection closes', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /stream HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
    socket.pause(); // read nothing: the server's buffers fill and it waits for 'drain'
    let last = -1;
    while (relay.written !== last || relay.written === 0) {
      last = relay.written;
      await sleep(200);
    }
    expect(relay.ended).toBeNull(); // stuck on a full socket, as intended
    socket.destroy();
    for (let waited = 0; relay.ended === null && waited < 5_000; waited += 20) await sleep(20);
    expect(relay.ended).not.toBeNull();
  });
});
