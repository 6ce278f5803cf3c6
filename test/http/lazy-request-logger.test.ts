import { PassThrough } from 'node:stream';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyRequestLogger } from '../../server/http/lazy-request-logger.js';
import { createLogger } from '../../server/observability/logger.js';

/** keyplane's logger (redaction included) writing into memory, with its children counted. */
function capturedLogger() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const logger = createLogger({ level: 'info', destination: stream });
  const children = { made: 0 };
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children.made += 1;
    return child(...args);
  }) as typeof logger.child;
  const flushed = () => new Promise((resolve) => setImmediate(resolve));
  return { logger, lines, children, flushed };
}

/** Fastify's logging options as the app sets them (server/http/app.ts). */
function asKeyplaneRuns(logger: unknown) {
  return {
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
  };
}

describe("Fastify's request logger", () => {
  const apps: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('makes no pino child for a request that logs nothing, and a child with the request id for one that does', async () => {
    const { logger, lines, children, flushed } = capturedLogger();
    const app = Fastify({ ...asKeyplaneRuns(logger), genReqId: () => 'req-42' });
    apps.push(app);
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/noisy', async (request) => {
      request.log.warn({ headers: { authorization: 'Bearer sk-secret' }, step: 'upstream' }, 'slow upstream');
      request.log.info('second line');
      return { ok: true };
    });
    const childrenAtStart = children.made;
    for (let i = 0; i < 3; i += 1) expect((await app.inject({ url: '/quiet' })).statusCode).toBe(200);
    expect(children.made).toBe(childrenAtStart);

    expect((await app.inject({ url: '/noisy' })).statusCode).toBe(200);
    await flushed();
    // One child for the request, made on its first line and reused for the second.
    expect(children.made).toBe(childrenAtStart + 1);
    const logged = lines.filter((line) => line.reqId === 'req-42');
    expect(logged.map((line) => line.msg)).toEqual(['slow upstream', 'second line']);
    expect(logged[0]).toMatchObject({ level: 40, step: 'upstream', headers: { authorization: '[redacted]' } });
    expect(JSON.stringify(lines)).not.toContain('sk-secret');
  });

  it("logs Fastify's own warnings about a request through the child, with the request id", async () => {
    const { logger, lines, flushed } = capturedLogger();
    const app = Fastify({ ...asKeyplaneRuns(logger), genReqId: () => 'req-7' });
    apps.push(app);
    app.get('/twice', async (_request, reply) => {
      await reply.send({ first: true });
      return reply.send({ second: true });
    });
    expect((await app.inject({ url: '/twice' })).json()).toEqual({ first: true });
    await flushed();
    const warning = lines.find((line) => line.level === 40);
    expect(warning).toMatchObject({ reqId: 'req-7', err: { code: 'FST_ERR_REP_ALREADY_SENT' } });
  });

  it('answers level from the parent until a child exists, and sets it on the child', () => {
    const { logger } = capturedLogger();
    const requestLogger = lazyRequestLogger(logger as FastifyBaseLogger, { reqId: 'r' }, {});
    expect(requestLogger.level).toBe('info');
    requestLogger.level = 'debug';
    expect(requestLogger.level).toBe('debug');
    expect(logger.level).toBe('info');
  });
});
