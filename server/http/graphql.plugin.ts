import type { FastifyInstance } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Logger } from '../observability/logger.js';
import type { GraphQLServer } from './graphql-server.js';

type StartGraphQL = () => Promise<GraphQLServer>;

/**
 * /graphql (GET, POST, OPTIONS). The control plane's API starts on its first request, not with
 * the process: graphql-js, type-graphql, Apollo and the built schema are about 15 MB that a
 * gateway process serving only /v1 never needs. Concurrent first requests share one start; a
 * failed start is not kept, so the next request tries again. Closing the app stops Apollo.
 */
export function registerGraphQL(
  app: FastifyInstance,
  services: Services,
  logger: Logger,
  start: StartGraphQL = async () => (await import('./graphql-server.js')).startGraphQLServer(services, logger),
): void {
  let server: Promise<GraphQLServer> | null = null;
  // Only a failure clears it, so no newer start can be running when it does.
  const started = (): Promise<GraphQLServer> =>
    (server ??= start().catch((error: unknown) => {
      server = null;
      throw error;
    }));
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: async function graphql(request, reply) {
      const { handle } = await started();
      return handle.call(this, request, reply);
    },
  });
  app.addHook('onClose', async () => {
    const running = await server?.catch(() => null);
    await running?.stop();
  });
}
