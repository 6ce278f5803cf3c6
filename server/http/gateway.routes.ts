import type { FastifyInstance } from 'fastify';
import { CATALOG } from '../../shared/catalog.js';
import { toGatewayError } from '../gateway/gateway-error.js';
import type { Gateway } from '../gateway/gateway.js';
import { handleChatCompletion } from '../gateway/pipeline.js';

/** Chat bodies may carry images and long histories. */
const GATEWAY_BODY_LIMIT = 20 * 1024 * 1024;

/** The OpenAI-compatible /v1 API and Prometheus /metrics. */
export function registerGatewayRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.post('/v1/chat/completions', { bodyLimit: GATEWAY_BODY_LIMIT }, (request, reply) => handleChatCompletion(request, reply, gateway));

  app.get('/v1/models', async (request, reply) => {
    try {
      await gateway.authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      const gatewayError = toGatewayError(error, request.id);
      return reply.code(gatewayError.status).send(gatewayError.toBody());
    }
    const data = CATALOG.flatMap((model) => [
      { id: model.id, object: 'model', created: 0, owned_by: 'keyplane' },
      ...model.offers.map((offer) => ({ id: `${offer.provider}/${offer.providerModel}`, object: 'model', created: 0, owned_by: offer.provider })),
    ]);
    return { object: 'list', data };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(gateway.metrics.registry.contentType);
    return gateway.metrics.registry.metrics();
  });
}
