import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { parseChatRequest } from '../providers/chat-request.js';
import type { StateStore } from '../state/state-store.js';
import type { CreditLeases } from './billing/credit-leases.js';
import type { SettlementWriter } from './billing/settlement-writer.js';
import type { Endpoints } from './endpoints.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import type { HostedKeyPool } from './keys/hosted-pool.js';
import { chooseKey } from './keys/key-choice.js';
import type { PlatformKeys } from './keys/platform-keys.js';
import { RequestRun } from './request-run.js';
import { resolveModel } from './routing/model-resolution.js';
import type { Router } from './routing/router.js';
import type { GatewayAuthenticator, GatewayIdentity } from './stages/authenticate.stage.js';
import { type CallDependencies, callUpstream, routeSummary } from './stages/call.stage.js';
import type { Reserver } from './stages/reserve.stage.js';
import type { ProjectScope, ScopeResolver } from './stages/resolve.stage.js';
import { settle } from './stages/settle.stage.js';

export interface PipelineDependencies {
  authenticator: GatewayAuthenticator;
  scopes: ScopeResolver;
  router: Router;
  reserver: Reserver;
  call: CallDependencies;
  endpoints: Endpoints;
  platformKeys: PlatformKeys;
  pool: HostedKeyPool;
  state: StateStore;
  writer: SettlementWriter;
  leases: CreditLeases;
  metrics: Metrics;
  logger: Logger;
}

/**
 * POST /v1/chat/completions, top to bottom:
 * authenticate → parse → resolve scope → limits → route → reserve → call → (settle, always).
 */
export async function handleChatCompletion(request: FastifyRequest, reply: FastifyReply, deps: PipelineDependencies): Promise<void> {
  const run = new RequestRun(request.id);
  // A client that goes away before the answer is complete cancels the upstream call.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) run.abort.abort();
  });
  try {
    const identity = await deps.authenticator.authenticate(request.headers.authorization);
    run.gatewayKeyId = identity.gatewayKeyId;
    run.organizationId = identity.organizationId;
    run.projectId = identity.projectId;
    run.mode = identity.mode;

    const parsed = parseChatRequest(request.body);
    if (!parsed.ok) throw new GatewayError(400, 'invalid_request', parsed.message);
    const body = parsed.value.request;
    run.model = body.model;
    run.stream = body.stream === true;
    run.inputChars = JSON.stringify(body.messages).length;

    const scope = await deps.scopes.resolve(identity);
    const resolved = resolveModel(body.model, scope, deps.endpoints);
    if (!resolved) throw new GatewayError(404, 'model_not_found', `Unknown model "${body.model.slice(0, 100)}"; GET /v1/models lists the models you can use`);
    if (identity.allowedModels.length > 0 && !identity.allowedModels.some((allowed) => allowed === body.model || allowed === resolved.id)) {
      throw new GatewayError(403, 'model_not_allowed', `This gateway key may not use "${body.model.slice(0, 100)}"`);
    }
    await enforceRpm(identity, deps.state);

    const routed = await deps.router.route({
      modelId: resolved.id,
      offers: resolved.offers,
      hybrid: identity.mode === 'HYBRID',
      chooseKey: (provider) => chooseKey(provider, keyContext(identity, scope, request, resolved.pinnedProvider), deps.platformKeys, deps.pool),
      queues: (provider) => scope.limiter(provider).mode === 'QUEUE',
    });
    run.routing = routed.decision;
    if (!routed.ok) throw routingFailure(routed.reason, routed.retryAfterMs, identity, body.model);

    const payable = await deps.reserver.reserve(run, identity, routed.candidates, body.max_completion_tokens ?? body.max_tokens ?? null);
    await callUpstream(run, identity, scope, payable, parsed.value, reply, deps.call);
  } catch (error) {
    writeError(run, reply, error, deps.logger);
  } finally {
    settleAfterResponse(run, reply, deps);
  }
}

function keyContext(identity: GatewayIdentity, scope: ProjectScope, request: FastifyRequest, pinnedProvider: string | null) {
  const header = request.headers['x-provider-api-key'];
  const userSecret = typeof header === 'string' && header.trim() !== '' ? header.trim() : null;
  return {
    mode: identity.mode,
    preferStoredKeys: identity.preferStoredKeys,
    hostedEnabled: scope.hostedEnabled,
    // SPEC §4: the caller's key is only for the provider the request names.
    userKey: userSecret && pinnedProvider ? { provider: pinnedProvider, secret: userSecret } : null,
    byokKeys: scope.byokKeys,
    customProviders: scope.customProviders,
  };
}

/** Counted only now: requests refused as invalid or for an unknown model do not use up the limit. */
async function enforceRpm(identity: GatewayIdentity, state: StateStore): Promise<void> {
  if (!identity.rpmLimit) return;
  const verdict = await state.consumeWindow(`gateway-key:${identity.gatewayKeyId}`, identity.rpmLimit);
  if (!verdict.allowed) {
    throw new GatewayError(429, 'rate_limited', `This gateway key allows ${identity.rpmLimit} requests per minute`, { retryAfterMs: verdict.retryAfterMs });
  }
}

function routingFailure(reason: 'no-key' | 'unavailable', retryAfterMs: number | null, identity: GatewayIdentity, model: string): GatewayError {
  if (reason === 'no-key') {
    const allowed = { API_KEYS: 'your own keys (x-provider-api-key or stored BYOK keys)', CREDITS: "the platform's keys", HYBRID: 'any key source' }[identity.mode];
    return new GatewayError(403, 'no_key_source', `No key is available for "${model.slice(0, 100)}": this project (${identity.mode}) may use ${allowed}, and none is set up for a provider serving it`);
  }
  return new GatewayError(429, 'providers_unavailable', `Every provider for "${model.slice(0, 100)}" is rate limited or unhealthy right now`, {
    failureClass: 'RATE_LIMIT',
    retryAfterMs: retryAfterMs ?? 1_000,
  });
}

function writeError(run: RequestRun, reply: FastifyReply, error: unknown, logger: Logger): void {
  if (run.abort.signal.aborted && !run.committed) {
    run.fail('CANCELLED', 'CANCELLED', 499, 'The client closed the connection');
    return;
  }
  const gatewayError = toGatewayError(error, run.requestId);
  if (gatewayError.status >= 500 && !gatewayError.options.failureClass) logger.error({ err: error, requestId: run.requestId }, 'Gateway request failed');
  run.fail('FAILED', gatewayError.options.failureClass ?? null, gatewayError.status, gatewayError.message);
  if (run.committed || reply.sent || reply.raw.headersSent) return;
  reply.code(gatewayError.status).header('x-keyplane-request-id', run.requestId);
  if (run.provider) reply.header('x-keyplane-provider', run.provider).header('x-keyplane-key-source', run.keySource ?? '');
  if (run.routing) reply.header('x-keyplane-route', routeSummary(run));
  if (gatewayError.options.retryAfterMs) reply.header('retry-after', String(Math.max(1, Math.ceil(gatewayError.options.retryAfterMs / 1000))));
  void reply.send(gatewayError.toBody());
}

/** Settle once the response is fully written (or the client gave up), never before. */
function settleAfterResponse(run: RequestRun, reply: FastifyReply, deps: PipelineDependencies): void {
  const done = () => {
    if (run.abort.signal.aborted && run.status === 'SUCCESS') run.fail('CANCELLED', 'CANCELLED', 499, 'The client closed the connection');
    settle(run, deps.writer, deps.leases, deps.metrics);
  };
  if (reply.raw.writableFinished || reply.raw.destroyed) done();
  else reply.raw.once('close', done);
}
