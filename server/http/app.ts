import fastifyCookie from '@fastify/cookie';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Database } from '../db/database.js';
import type { MigrationPaths } from '../db/migrations.js';
import type { Services } from '../domain/services.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Logger } from '../observability/logger.js';
import { newRequestId } from '../observability/tracing.js';
import type { KeyRing } from '../secrets/key-ring.js';
import { registerAuthRoutes } from './auth.routes.js';
import { registerGatewayRoutes } from './gateway.routes.js';
import { registerGraphQL } from './graphql.plugin.js';
import { registerHealthRoutes } from './health.routes.js';
import { limitJsonDepth } from './json-body.parser.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { registerMetricsRoute } from './metrics.routes.js';
import { addRequestGuards } from './request-guards.js';
import { registerStatementRoutes } from './statement.routes.js';
import { registerDashboard } from './static.routes.js';

export interface AppDependencies {
  db: Database;
  services: Services;
  gateway: Gateway;
  logger: Logger;
  /** /readyz checks that it opens every stored provider key. */
  keyRing: KeyRing;
  webRoot: string;
  /** Set: /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  secureCookies?: boolean;
  requestTimeoutMs?: number;
  /** Reverse proxies trusted to name the client (X-Forwarded-For): sign-in limits count per client address. */
  trustProxy?: false | string[];
  /** Where /readyz finds the migrations it compares the database with (default: prisma/). */
  migrations?: MigrationPaths;
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request access logs cost more than the gateway's whole overhead budget.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    // A W3C trace id: the id clients get is the one to search for in traces (tracing.ts).
    genReqId: newRequestId,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Headers that never finish arriving are Node's to cut off; slow bodies are the request guards' (slow-client.ts).
    requestTimeout: deps.requestTimeoutMs ?? 60_000,
    trustProxy: deps.trustProxy ?? false,
  });
  app.setErrorHandler(errorHandler);
  addRequestGuards(app, deps.requestTimeoutMs ?? 60_000);
  limitJsonDepth(app);
  await app.register(fastifyCookie);
  registerGraphQL(app, deps.services, deps.logger);
  registerAuthRoutes(app, deps.services, { secureCookies: deps.secureCookies ?? false });
  registerStatementRoutes(app, deps.services);
  registerHealthRoutes(app, deps.db, deps.keyRing, deps.migrations);
  registerGatewayRoutes(app, deps.gateway);
  registerMetricsRoute(app, deps.gateway, deps.metricsToken);
  await registerDashboard(app, deps.webRoot);
  return app;
}

/** Client errors (bad JSON, too large, wrong content type) stay 4xx with a clear message. */
function errorHandler(this: FastifyInstance, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) this.log.error({ err: error, requestId: request.id }, 'Unhandled error');
  const message = status === 500 ? `Internal error (request ${request.id}); it has been logged` : error.message;
  const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
  if (request.url.startsWith('/graphql')) return reply.code(status).send({ errors: [{ message, extensions: { code } }] });
  if (request.url.startsWith('/v1/')) {
    const type = status === 500 ? 'api_error' : 'invalid_request_error';
    return reply.code(status).send({ error: { message, type, code: code.toLowerCase(), param: null } });
  }
  return reply.code(status).send({ error: { message, code } });
}
