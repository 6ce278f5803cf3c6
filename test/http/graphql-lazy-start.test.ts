import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Services } from '../../server/domain/services.js';
import { registerGraphQL } from '../../server/http/graphql.plugin.js';
import type { GraphQLServer } from '../../server/http/graphql-server.js';
import { createLogger } from '../../server/observability/logger.js';

/** An app whose /graphql starts through `start`, counting starts and stops. */
function appWith(start: () => Promise<GraphQLServer>): { app: FastifyInstance; stops: () => number } {
  let stopped = 0;
  const app = Fastify();
  registerGraphQL(app, {} as Services, createLogger({ level: 'silent' }), async () => {
    const server = await start();
    return { ...server, stop: async () => void stopped++ };
  });
  return { app, stops: () => stopped };
}

const answering = (body: string): GraphQLServer => ({ handle: async () => body, stop: async () => {} });

describe('/graphql starts on its first request', () => {
  it('starts nothing with the app, once for concurrent first requests, and stops with the app', async () => {
    let starts = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { app, stops } = appWith(async () => {
      starts++;
      await gate;
      return answering('{"data":{"ok":true}}');
    });
    await app.ready();
    expect(starts).toBe(0);
    const requests = Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ ok }' } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.body)).toEqual(Array(5).fill('{"data":{"ok":true}}'));
    expect(starts).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/graphql?query={ok}' })).body).toBe('{"data":{"ok":true}}');
    expect(starts).toBe(1);
    await app.close();
    expect(stops()).toBe(1);
  });

  it('does not keep a failed start: that request fails, the next one starts again', async () => {
    let starts = 0;
    const { app, stops } = appWith(async () => {
      starts++;
      if (starts === 1) throw new Error('schema failed to build');
      return answering('{"data":{"ok":true}}');
    });
    expect((await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ ok }' } })).statusCode).toBe(500);
    const second = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ ok }' } });
    expect(second.statusCode).toBe(200);
    expect(starts).toBe(2);
    await app.close();
    expect(stops()).toBe(1);
  });

  it('closing an app whose /graphql never ran starts nothing', async () => {
    let starts = 0;
    const { app, stops } = appWith(async () => {
      starts++;
      return answering('{}');
    });
    await app.ready();
    await app.close();
    expect([starts, stops()]).toEqual([0, 0]);
  });
});
