/**
 * `POST /v1/messages/count_tokens`: authenticated and model-checked like every /v1 route, never
 * billed (no upstream generation, no usage record, no requests-per-minute count). Routed to
 * Anthropic with a key of the organization's own, Anthropic's own endpoint answers (the body
 * passes through); otherwise keyplane answers an estimate, marked `x-keyplane-estimated: true`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { request as undiciRequest } from 'undici';
import { estimateTokens } from './billing/estimate.js';
import { anthropicMessagesFrontDoor } from './front-doors/anthropic-messages/anthropic-messages.front-door.js';
import { parseMessagesRequest } from './front-doors/anthropic-messages/messages-to-canonical.js';
import type { PassThrough } from './front-doors/front-door.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import { chooseKey, isKeyed } from './keys/key-choice.js';
import type { PipelineDependencies } from './pipeline.js';
import type { GatewayIdentity, ProjectScope } from './request-context.js';
import { enforceModelAccess } from './routing/model-access.js';
import { resolveModel } from './routing/model-resolution.js';
import type { RoutableOffer } from './routing/router.js';
import { secretScrubber } from './secret-scrubber.js';
import { authenticated } from './stages/authenticate.stage.js';
import { passThroughRequest } from './stages/pass-through-relay.js';
import { MAX_ERROR_BYTES, readAnswerText } from './stages/upstream-body.js';

const COUNT_TOKENS: Pick<PassThrough, 'path' | 'forwardHeaders' | 'prepareBody'> = {
  path: '/v1/messages/count_tokens',
  forwardHeaders: anthropicMessagesFrontDoor.passThrough?.forwardHeaders ?? [],
  prepareBody: (body, upstreamModel) => ({ ...body, model: upstreamModel }),
};

type CountTokensDependencies = Pick<
  PipelineDependencies,
  'authenticator' | 'scopes' | 'endpoints' | 'catalogOverrides' | 'platformKeys' | 'pool' | 'call'
>;

/**
 * The secret to call one Anthropic offer with: the organization's own (a stored key, or its
 * custom provider's), or null when none is at hand. Never a platform key (env or hosted pool):
 * counting is free and counts against no limit of the tenant's, so with the platform's keys one
 * tenant could spend their provider rate limits (and the pool's per-key windows) for everyone.
 */
function anthropicKey(offer: RoutableOffer, identity: GatewayIdentity, scope: ProjectScope, deps: CountTokensDependencies): string | null {
  const keys = {
    organizationId: identity.organizationId,
    mode: identity.mode,
    preferStoredKeys: identity.preferStoredKeys,
    hostedEnabled: scope.hostedEnabled,
    userKey: null,
    byokKeys: scope.byokKeys,
    customProviders: scope.customProviders,
  };
  const choice = chooseKey(offer.provider, keys, deps.platformKeys, deps.pool);
  return choice && isKeyed(choice.source) ? choice.secret : null;
}

export async function handleCountTokens(request: FastifyRequest, reply: FastifyReply, deps: CountTokensDependencies): Promise<void> {
  try {
    const identity = await authenticated(deps.authenticator, request);
    const parsed = parseMessagesRequest(request.body, { requireMaxTokens: false });
    if (!parsed.ok) throw new GatewayError('BAD_USER_INPUT', 'invalid_request', parsed.message);
    const model = parsed.request.model;
    const [scope, access] = await Promise.all([deps.scopes.resolve(identity), deps.catalogOverrides.modelAccess(identity.organizationId)]);
    const lookup = { scope, endpoints: deps.endpoints, overrides: deps.catalogOverrides, organizationId: identity.organizationId };
    const resolved = enforceModelAccess(model, await resolveModel(model, lookup), identity.allowedModels, access);
    reply.header('x-keyplane-request-id', request.id);

    for (const offer of resolved.offers.filter((candidate) => candidate.endpoint.adapter.kind === 'anthropic')) {
      const apiKey = anthropicKey(offer, identity, scope, deps);
      if (!apiKey) continue;
      const context = { baseUrl: offer.endpoint.baseUrl, apiKey, upstreamModel: offer.providerModel, stream: false };
      const upstream = passThroughRequest(
        COUNT_TOKENS,
        { raw: request.body as Record<string, unknown>, headers: request.headers },
        offer.endpoint.adapter,
        context,
      );
      const response = await undiciRequest(upstream.url, {
        method: 'POST',
        headers: upstream.headers,
        body: upstream.body,
        dispatcher: offer.endpoint.dispatcher ?? deps.call.dispatcher,
        headersTimeout: deps.call.upstreamTimeoutMs,
        bodyTimeout: deps.call.upstreamTimeoutMs,
      }).catch(() => null);
      // An upstream that cannot be reached or fails leaves the estimate; its own 4xx (a bad body) is the client's answer.
      if (!response || response.statusCode >= 500) {
        await response?.body.dump();
        break;
      }
      // A count is a few bytes of JSON: an answer past the error-body ceiling is not one, and leaves the estimate.
      const answer = await readAnswerText(response.body, MAX_ERROR_BYTES).catch(() => null);
      if (answer === null) break;
      const text = secretScrubber(apiKey).text(answer);
      reply.header('x-keyplane-provider', offer.provider);
      return void (await reply.code(response.statusCode).type('application/json').send(text));
    }

    const { request: canonical } = parsed.canonical;
    const chars = JSON.stringify(canonical.messages).length + JSON.stringify(canonical.tools ?? []).length;
    await reply.header('x-keyplane-estimated', 'true').send({ input_tokens: estimateTokens(chars) });
  } catch (error) {
    const gatewayError = toGatewayError(error, request.id);
    const { body } = anthropicMessagesFrontDoor.renderError(
      gatewayError.httpStatus,
      gatewayError.wireCode,
      gatewayError.message,
      gatewayError.type,
    );
    if (gatewayError.options.retryAfterMs)
      reply.header('retry-after', String(Math.max(1, Math.ceil(gatewayError.options.retryAfterMs / 1000))));
    await reply.code(gatewayError.httpStatus).header('x-keyplane-request-id', request.id).send(body);
  }
}
