import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway/gateway.js';
import { secretsEqual } from '../secrets/tokens.js';

/**
 * Prometheus /metrics. Its labels name hosted keys and its counters show cost, so with
 * `metricsToken` set only `Authorization: Bearer <token>` may read it; unset it stays open,
 * as Prometheus scrapers expect on a private network.
 */
export function registerMetricsRoute(app: FastifyInstance, gateway: Gateway, metricsToken: string | undefined): void {
  app.get('/metrics', async (request, reply) => {
    if (metricsToken !== undefined) {
      const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (presented === undefined || !secretsEqual(presented, metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: { message: '/metrics needs Authorization: Bearer <METRICS_TOKEN>', code: 'UNAUTHENTICATED' } });
      }
    }
    reply.type(gateway.metrics.registry.contentType);
    return gateway.metrics.registry.metrics();
  });
}
