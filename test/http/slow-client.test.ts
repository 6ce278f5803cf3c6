import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRequestGuards } from '../../server/http/request-guards.js';

const TIMEOUT_MS = 300;

/** Sends `head` and then `body` in pieces `gapMs` apart over a raw socket; resolves with what came back and when the socket closed. */
function trickle(port: number, head: string, pieces: string[], gapMs: number): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timers: NodeJS.Timeout[] = [];
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined); // a reset after the 408 is the point
    socket.on('close', () => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      socket.write(head);
      for (const [index, piece] of pieces.entries())
        timers.push(setTimeout(() => socket.writable && socket.write(piece), (index + 1) * gapMs));
    });
    setTimeout(() => reject(new Error(`socket still open after 5 s; got: ${answer}`)), 5_000).unref();
  });
}

describe('a client trickling its request body', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify();
    addRequestGuards(app, TIMEOUT_MS);
    app.post('/echo', async (request) => ({ got: request.body }));
    // Answers long after the deadline: a body that arrived in time is never cut off later.
    app.post('/slow-answer', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 2));
      return { got: request.body };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  const head = (length: number, close = false) =>
    `POST /echo HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${close ? 'connection: close\r\n' : ''}\r\n`;

  it('is answered 408 and cut off once the body has not arrived within the limit', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(60) });
    // One byte every 100 ms would take 6 s; the limit is 300 ms.
    const { answer, closedAfterMs } = await trickle(port, head(body.length), body.split(''), 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('REQUEST_TIMEOUT');
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(closedAfterMs).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('leaves a body that arrives in time alone, even in pieces', async () => {
    const body = JSON.stringify({ ok: true });
    const half = Math.floor(body.length / 2);
    const { answer } = await trickle(port, head(body.length, true), [body.slice(0, half), body.slice(half)], 50);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('{"got":{"ok":true}}');
  });

  it('leaves an exchange alone once its body has arrived, however long the answer takes', async () => {
    const body = JSON.stringify({ ok: true });
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}/slow-answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"got":{"ok":true}}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS * 2 - 20);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('cuts off only the trickling client: requests that arrive meanwhile, before and after its deadline, are answered', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(60) });
    const slow = trickle(port, head(body.length), body.split(''), 100);
    const post = () =>
      fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' }).then(
        async (response) => [response.status, await response.text()],
      );
    const quick: Promise<unknown[]>[] = [];
    for (let round = 0; round < 8; round += 1) {
      quick.push(post(), post());
      await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 4));
    }
    expect(await Promise.all(quick)).toEqual(Array.from({ length: 16 }, () => [200, '{"got":{"n":1}}']));
    expect((await slow).answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
