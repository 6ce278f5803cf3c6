import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { handleCountTokens } from '../gateway/count-tokens.js';
import { anthropicMessagesFrontDoor } from '../gateway/front-doors/anthropic-messages/anthropic-messages.front-door.js';
import { embeddingsFrontDoor } from '../gateway/front-doors/embeddings/embeddings.front-door.js';
import type { FrontDoor } from '../gateway/front-doors/front-door.js';
import { openAiChatFrontDoor } from '../gateway/front-doors/openai-chat/openai-chat.front-door.js';
import { openAiResponsesFrontDoor } from '../gateway/front-doors/openai-responses/openai-responses.front-door.js';
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError, toGatewayError } from '../gateway/gateway-error.js';
import { type ListedModel, listUsableModels, type ModelListContext, modelListed, providerReachable } from '../gateway/list-models.js';
import { answerRefusedKey, handleEmbeddingsRequest, handleFrontDoorRequest, type PipelineDependencies } from '../gateway/pipeline.js';
import type { ProjectScope } from '../gateway/request-context.js';
import { resolveModel } from '../gateway/routing/model-resolution.js';
import { authenticateEarly } from '../gateway/stages/authenticate.stage.js';

/** Chat bodies may carry images and long histories. */
const GATEWAY_BODY_LIMIT = 20 * 1024 * 1024;

/**
 * An onRequest hook for a /v1 route that takes a body: the gateway key is checked from the
 * headers before the body is read, so a key that does not exist costs no read into memory and
 * no parse of up to 20 MB of JSON. `refuse` answers a refused key as its route would; an
 * accepted key's identity waits for the handler (`authenticated`).
 */
function authenticateBeforeBody(
  deps: Pick<PipelineDependencies, 'authenticator'>,
  refuse: (request: FastifyRequest, reply: FastifyReply) => Promise<void>,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    try {
      await authenticateEarly(deps.authenticator, request);
      return undefined;
    } catch {
      await refuse(request, reply);
      return reply;
    }
  };
}

/** One front door's POST route, served by the one pipeline. */
export function frontDoorRoute(app: FastifyInstance, path: string, frontDoor: FrontDoor, deps: PipelineDependencies): void {
  app.post(
    path,
    {
      bodyLimit: GATEWAY_BODY_LIMIT,
      onRequest: authenticateBeforeBody(deps, (request, reply) => answerRefusedKey(frontDoor, request, reply, deps)),
    },
    (request, reply) => handleFrontDoorRequest(frontDoor, request, reply, deps),
  );
}

/** The /v1 API: every front door, and the model list. */
export function registerGatewayRoutes(app: FastifyInstance, gateway: Gateway): void {
  frontDoorRoute(app, '/v1/chat/completions', openAiChatFrontDoor, gateway);
  // Claude Code adds `?beta=true`; the query does not change the route.
  frontDoorRoute(app, '/v1/messages', anthropicMessagesFrontDoor, gateway);
  const countTokens = (request: FastifyRequest, reply: FastifyReply) => handleCountTokens(request, reply, gateway);
  app.post(
    '/v1/messages/count_tokens',
    { bodyLimit: GATEWAY_BODY_LIMIT, onRequest: authenticateBeforeBody(gateway, countTokens) },
    countTokens,
  );
  frontDoorRoute(app, '/v1/responses', openAiResponsesFrontDoor, gateway);
  app.post(
    '/v1/embeddings',
    {
      bodyLimit: GATEWAY_BODY_LIMIT,
      onRequest: authenticateBeforeBody(gateway, (request, reply) => answerRefusedKey(embeddingsFrontDoor, request, reply, gateway)),
    },
    (request, reply) => handleEmbeddingsRequest(embeddingsFrontDoor, request, reply, gateway),
  );

  /** What decides this gateway key's project's models right now (a caller's key widens it). */
  const listContext = async (request: FastifyRequest): Promise<ModelListContext & { scope: ProjectScope }> => {
    const identity = await gateway.authenticator.authenticate(request.headers);
    const scope = await gateway.scopes.resolve(identity);
    const keys = {
      organizationId: identity.organizationId,
      mode: identity.mode,
      preferStoredKeys: identity.preferStoredKeys,
      hostedEnabled: scope.hostedEnabled,
      byokKeys: scope.byokKeys,
    };
    return {
      identity,
      keys,
      hasUserKey: typeof request.headers['x-provider-api-key'] === 'string',
      platformKeys: gateway.platformKeys,
      pool: gateway.pool,
      access: await gateway.catalogOverrides.modelAccess(identity.organizationId),
      customModels: [...scope.customProviders.values()],
      scope,
    };
  };
  const sendError = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    const gatewayError = toGatewayError(error, request.id);
    return reply.code(gatewayError.httpStatus).send(gatewayError.toBody());
  };

  app.get('/v1/models', async (request, reply) => {
    try {
      return { object: 'list', data: listUsableModels(await listContext(request)) };
    } catch (error) {
      return sendError(request, reply, error);
    }
  });

  // A wildcard: ids hold a slash (`openai/gpt-4o`), which the OpenAI SDKs send unescaped.
  app.get('/v1/models/*', async (request, reply) => {
    try {
      const id = (request.params as { '*': string })['*'];
      const context = await listContext(request);
      const model = listUsableModels(context).find((listed) => listed.id === id) ?? (await usableByName(id, context, gateway));
      if (model) return model;
      throw new GatewayError(
        'NOT_FOUND',
        'model_not_found',
        `The model "${id.slice(0, 100)}" does not exist or this gateway key's project cannot use it; GET /v1/models lists the models it can use`,
      );
    } catch (error) {
      return sendError(request, reply, error);
    }
  });
}

/**
 * A model the list leaves out but the catalog knows (a dated snapshot, a `-latest` name, an
 * alias): answered when allowed and reachable. An open name nothing knows is not a model here.
 */
async function usableByName(
  id: string,
  context: ModelListContext & { scope: ProjectScope },
  gateway: Gateway,
): Promise<ListedModel | null> {
  const lookup = {
    scope: context.scope,
    endpoints: gateway.endpoints,
    overrides: gateway.catalogOverrides,
    organizationId: context.identity.organizationId,
  };
  const resolved = await resolveModel(id, lookup).catch(() => null);
  if (!resolved?.known) return null;
  const usable = resolved.offers.some(
    (offer) =>
      providerReachable(offer.provider, context) && modelListed([id, resolved.id, `${offer.provider}/${offer.providerModel}`], context),
  );
  return usable ? { id, object: 'model', created: 0, owned_by: resolved.pinnedProvider ?? 'keyplane' } : null;
}
