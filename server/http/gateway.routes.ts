import type { FastifyInstance } from 'fastify';
import { toGatewayError } from '../gateway/gateway-error.js';
import type { Gateway } from '../gateway/gateway.js';
import { listUsableModels } from '../gateway/list-models.js';
import { handleChatCompletion } from '../gateway/pipeline.js';

/** Chat bodies may carry images and long histories. */
const GATEWAY_BODY_LIMIT = 20 * 1024 * 1024;

/** The OpenAI-compatible /v1 API and Prometheus /metrics. */
export function registerGatewayRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.post('/v1/chat/completions', { bodyLimit: GATEWAY_BODY_LIMIT }, (request, reply) => handleChatCompletion(request, reply, gateway));

  app.get('/v1/models', async (request, reply) => {
    try {
      const identity = await gateway.authenticator.authenticate(request.headers.authorization);
      const scope = await gateway.scopes.resolve(identity);
      const keys = { mode: identity.mode, preferStoredKeys: identity.preferStoredKeys, hostedEnabled: scope.hostedEnabled, byokKeys: scope.byokKeys };
      const custom = [...scope.customProviders.values()];
      const hasUserKey = typeof request.headers['x-provider-api-key'] === 'string';
      return { object: 'list', data: listUsableModels(identity, keys, hasUserKey, gateway.platformKeys, gateway.pool, custom) };
    } catch (error) {
      const gatewayError = toGatewayError(error, request.id);
      return reply.code(gatewayError.status).send(gatewayError.toBody());
    }
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(gateway.metrics.registry.contentType);
    return gateway.metrics.registry.metrics();
  });
}
