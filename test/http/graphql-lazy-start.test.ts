import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Services } from '../../server/domain/services.js';
import { registerGraphQL } from '../../server/http/graphql.plugin.js';
import type { GraphQLServer } from '../../server/http/graphql-server.js';
import { createLogger } from '../../server/observability/logger.js';

const OK = '{"data":{"ok":true}}';

/** An app whose /graphql starts through `start` (given the attempt number, from 1), counting starts and stops. */
function appWith(start: (attempt: number) => Promise<void>): { app: FastifyInstance; starts: () => number; stops: () => number } {
  let started = 0;
  let stopped = 0;
  const app = Fastify();
  registerGraphQL(app, {} as Services, createLogger({ level: 'silent' }), async (): Promise<GraphQLServer> => {
    await start(++started);
    return { handle: async () => OK, stop: async () => void stopped++ };
  });
  return { app, starts: () => started, stops: () => stopped };
}

const query = (app: FastifyInstance) => app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ ok }' } });

describe('/graphql starts on its first request', () => {
  it('starts nothing with the app, once for concurrent first requests, and stops with the app', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { app, starts, stops } = appWith(() => gate);
    await app.ready();
    expect(starts()).toBe(0);
    const requests = Array.from({ length: 5 }, () => query(app));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect((await Promise.all(requests)).map((a) => a.body)).toEqual(Array(5).fill(OK));
    expect((await app.inject({ method: 'GET', url: '/graphql?query={ok}' })).body).toBe(OK);
    expect(starts()).toBe(1);
    await app.close();
    expect(stops()).toBe(1);
  });

  it('does not keep a failed start: that request fails, the next one starts again', async () => {
    const { app, starts, stops } = appWith(async (attempt) => {
      if (attempt === 1) throw new Error('schema failed to build');
    });
    expect((await query(app)).statusCode).toBe(500);
    expect((await query(app)).statusCode).toBe(200);
    expect(starts()).toBe(2);
    await app.close();
    expect(stops()).toBe(1);
  });

  it('closing an app whose /graphql never ran starts nothing', async () => {
    const { app, starts, stops } = appWith(async () => {});
    await app.ready();
    await app.close();
    expect([starts(), stops()]).toEqual([0, 0]);
  });
});
