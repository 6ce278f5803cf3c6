import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Logger } from '../observability/logger.js';
import { giveWay } from '../runtime/give-way.js';
import type { GraphQLServer } from './graphql-server.js';

type StartGraphQL = () => Promise<GraphQLServer>;

/**
 * The packages behind the API, largest first, each loaded in a turn of its own. Loading a
 * package runs its modules' code there and then, on the thread that serves the gateway: loaded
 * all at once, the first /graphql request held every gateway request in flight for 220–260 ms.
 */
const PACKAGES_IN_TURNS = [
  () => import('graphql'),
  // class-validator requires both as it loads (60 of its 107 ms): each in a turn of its own too.
  () => requireBesideClassValidator('libphonenumber-js/max'),
  () => requireBesideClassValidator('validator'),
  () => import('class-validator'),
  () => import('type-graphql'),
  () => import('@apollo/server'),
  () => import('graphql-scalars'),
  () => import('@escape.tech/graphql-armor'),
];

/** A package as class-validator's own `require` finds it: the same module it will be handed. */
function requireBesideClassValidator(name: string): unknown {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('class-validator'))(name);
}

/** The API's code, loaded a package at a time so gateway requests are served in between. */
async function loadInTurns(): Promise<typeof import('./graphql-server.js')> {
  for (const load of PACKAGES_IN_TURNS) {
    await load();
    await giveWay();
  }
  return import('./graphql-server.js');
}

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
  start: StartGraphQL = async () => (await loadInTurns()).startGraphQLServer(services, logger),
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
