import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { createLoaders, type GraphQLContext } from '../graphql/context.js';
import { createFormatError } from '../graphql/format-error.js';
import { buildGraphQLSchema } from '../graphql/schema.js';
import type { Logger } from '../observability/logger.js';
import { giveWay } from '../runtime/give-way.js';
import { resolveActor } from './authenticate.js';

/** Limits on what one operation may ask for (depth, aliases, cost, size); batching is off. */
const armor = new ApolloArmor({
  maxDepth: { n: 10 },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  // graphql-armor's token limit re-parses in a plugin hook, where any syntax error becomes a
  // 500 quoting the document; graphql-js's own parser limit (parseOptions) answers 400.
  maxTokens: { enabled: false },
  costLimit: { maxCost: 5000 },
});
const MAX_TOKENS = 5000;

/** The schema has no subscriptions; graphql-js would fail one at execution as an internal error. */
const rejectSubscriptions: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('Subscriptions are not supported', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
      },
    };
  },
};

/** A running Apollo server behind one Fastify route handler; `stop` ends it with the app. */
export interface GraphQLServer {
  handle: RouteHandlerMethod;
  stop(): Promise<void>;
}

/** Builds the schema and starts Apollo: what graphql.plugin.ts loads on the first /graphql request. */
export async function startGraphQLServer(services: Services, logger: Logger): Promise<GraphQLServer> {
  const protection = armor.protect();
  const schema = await buildGraphQLSchema();
  // Apollo validates it as it is constructed: in a turn of its own, gateway requests in between.
  await giveWay();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: true,
    ...protection,
    parseOptions: { maxTokens: MAX_TOKENS },
    // main.ts handles SIGTERM/SIGINT and closes the app, which stops Apollo (graphql.plugin.ts).
    stopOnTerminationSignals: false,
    // graphql-armor's typings name Apollo's CommonJS build; the objects are the same at runtime.
    plugins: [...(protection.plugins as unknown as ApolloServerPlugin<GraphQLContext>[]), rejectSubscriptions],
    formatError: createFormatError(logger),
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  await apollo.start();
  const handle = fastifyApolloHandler(apollo, {
    context: async (request: FastifyRequest): Promise<GraphQLContext> => {
      try {
        return { actor: await resolveActor(request, services), services, loaders: createLoaders(services), requestId: request.id };
      } catch (error) {
        // Apollo answers 500 for a failing context unless told the status.
        if (error instanceof DomainError) {
          throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: error.httpStatus } } });
        }
        throw error;
      }
    },
  });
  return { handle, stop: () => apollo.stop() };
}
