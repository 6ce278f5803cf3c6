import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogOverrides } from '../domain/catalog/catalog-overrides.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Tracing } from '../observability/tracing.js';
import { outputLimit } from '../providers/canonical-request.js';
import { jsonTextOf } from '../providers/json-text.js';
import type { CallerKeyRef } from '../secrets/caller-key-ref.js';
import type { StateStore } from '../state/state-store.js';
import { requestEndUser, requestTags, TAGS_HEADER } from './attribution.js';
import type { Leases } from './billing/leases.js';
import { priceOffers } from './billing/price-lookup.js';
import type { SettlementWriter } from './billing/settlement-writer.js';
import type { Endpoints } from './endpoints.js';
import type { EmbeddingsFrontDoor } from './front-doors/embeddings/embeddings.front-door.js';
import type { FrontDoor } from './front-doors/front-door.js';
import { GatewayError } from './gateway-error.js';
import type { HostedKeyPool } from './keys/hosted-pool.js';
import { chooseKey } from './keys/key-choice.js';
import type { PlatformKeys } from './keys/platform-keys.js';
import type { GatewayIdentity, ProjectScope } from './request-context.js';
import { logRequest } from './request-log.js';
import { RequestRun } from './request-run.js';
import { endRequestTrace, startRequestTrace, tracedStage } from './request-trace.js';
import { embeddingOffers } from './routing/embedding-offers.js';
import { enforceModelAccess } from './routing/model-access.js';
import { resolveModel } from './routing/model-resolution.js';
import { explainNoKeySource } from './routing/no-key-source.js';
import type { RoutableOffer, RouteCandidate, Router } from './routing/router.js';
import { authenticated, type GatewayAuthenticator } from './stages/authenticate.stage.js';
import { type CallDependencies, callUpstream } from './stages/call.stage.js';
import type { Reserver } from './stages/reserve.stage.js';
import type { ScopeResolver } from './stages/resolve.stage.js';
import { createEmbeddingsResponder, createResponder, respondError } from './stages/respond.stage.js';
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
  leases: Leases;
  metrics: Metrics;
  logger: Logger;
  /** Request and stage spans (a no-op unless OTLP export is configured). */
  tracing: Tracing;
  callerKeyRef: CallerKeyRef;
  /** Operators' aliases, price overrides and organizations' model lists. */
  catalogOverrides: CatalogOverrides;
}

/**
 * One request through any front door, top to bottom: authenticate → parse (the front door's
 * format → canonical) → resolve scope → limits → route → reserve → call → respond (in the front
 * door's format, errors included) → (settle, always).
 */
export async function handleFrontDoorRequest(
  frontDoor: FrontDoor,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PipelineDependencies,
): Promise<void> {
  await runRequest(frontDoor, request, reply, deps, async (run, identity) => {
    const parsed = frontDoor.parse(request.body);
    if (!parsed.ok) throw new GatewayError('BAD_USER_INPUT', 'invalid_request', parsed.message);
    const body = parsed.value.request;
    run.droppedTools = parsed.droppedTools ?? [];
    run.dropped = parsed.dropped ?? [];
    run.webSearchLimit = parsed.webSearchLimit ?? 0;
    run.model = body.model;
    run.endUser = requestEndUser(body.user);
    run.stream = body.stream === true;
    // Tool definitions are billed input too (an agent's can outweigh its messages).
    run.inputChars = jsonTextOf(body.messages).length + (body.tools ? jsonTextOf(body.tools).length : 0);

    const maxOutput = outputLimit(body);
    const { scope, payable } = await routeAndReserve(run, identity, request, maxOutput, deps);
    const includeUsage = body.stream_options?.include_usage === true;
    const input = {
      request: parsed.value,
      sink: createResponder(run, frontDoor, reply, { includeUsage, raw: parsed.raw }),
      raw: parsed.raw,
      headers: request.headers,
      passThrough: frontDoor.passThrough,
      translationError: parsed.translationError,
    };
    await callUpstream(run, identity, scope, payable, input, deps.call);
  });
}

/**
 * POST /v1/embeddings through the same path: only providers that offer embeddings are
 * candidates, nothing is generated (no output reserved), and the answer is vectors.
 */
export async function handleEmbeddingsRequest(
  frontDoor: EmbeddingsFrontDoor,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PipelineDependencies,
): Promise<void> {
  await runRequest(frontDoor, request, reply, deps, async (run, identity) => {
    const parsed = frontDoor.parse(request.body);
    if (!parsed.ok) throw new GatewayError('BAD_USER_INPUT', 'invalid_request', parsed.message);
    run.model = parsed.request.model;
    run.endUser = requestEndUser(parsed.request.user);
    run.inputChars = parsed.inputChars;
    const { scope, payable } = await routeAndReserve(run, identity, request, 0, deps, (offers) => embeddingOffers(run.model, offers));
    const deliver = createEmbeddingsResponder(run, frontDoor, reply, parsed.encodingFormat);
    await callUpstream(run, identity, scope, payable, { kind: 'embeddings', request: parsed.request, deliver }, deps.call);
  });
}

/**
 * Answers a request whose gateway key was refused before its body was read (`authenticateEarly`):
 * the same frame as any other refusal — its front door's error, request log, metrics, trace.
 */
export function answerRefusedKey(
  frontDoor: Pick<FrontDoor, 'id' | 'renderError'>,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PipelineDependencies,
): Promise<void> {
  return runRequest(frontDoor, request, reply, deps, async () => {});
}

/** The frame every front door shares: the run, cancellation, authentication, errors in the front door's shape, settlement. */
async function runRequest(
  frontDoor: Pick<FrontDoor, 'id' | 'renderError'>,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PipelineDependencies,
  serve: (run: RequestRun, identity: GatewayIdentity) => Promise<void>,
): Promise<void> {
  const run = new RequestRun(request.id);
  run.frontDoor = frontDoor.id;
  startRequestTrace(deps.tracing, run, request);
  // A client that goes away before the answer is complete cancels the upstream call.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) run.cancellation.abort();
  });
  try {
    const identity = await tracedStage(run, 'authenticate', () => authenticated(deps.authenticator, request));
    run.gatewayKeyId = identity.gatewayKeyId;
    run.organizationId = identity.organizationId;
    run.projectId = identity.projectId;
    run.mode = identity.mode;
    run.tags = requestTags(request.headers[TAGS_HEADER], identity.defaultTags);
    await serve(run, identity);
  } catch (error) {
    respondError(run, frontDoor, reply, error, deps.logger);
  } finally {
    settleAfterResponse(run, reply, deps);
  }
}

/**
 * Resolve scope → model → limits → route → reserve for `run.model`. `narrow` keeps the offers a
 * front door can use (embeddings: providers that offer them); it may refuse them all with a 400.
 */
async function routeAndReserve(
  run: RequestRun,
  identity: GatewayIdentity,
  request: FastifyRequest,
  maxOutput: number | null,
  deps: PipelineDependencies,
  narrow: (offers: RoutableOffer[]) => RoutableOffer[] = (offers) => offers,
): Promise<{ scope: ProjectScope; payable: RouteCandidate[] }> {
  const { scope, candidates } = await tracedStage(run, 'route', () => route(run, identity, request, deps, narrow));
  const payable = await tracedStage(run, 'reserve', () =>
    deps.reserver.reserve(run, identity, candidates, maxOutput, scope.refuseUnpriced),
  );
  return { scope, payable };
}

/** Resolve scope → model → limits → route: the candidates to call, in order. */
async function route(
  run: RequestRun,
  identity: GatewayIdentity,
  request: FastifyRequest,
  deps: PipelineDependencies,
  narrow: (offers: RoutableOffer[]) => RoutableOffer[],
): Promise<{ scope: ProjectScope; candidates: RouteCandidate[] }> {
  const model = run.model;
  const overrides = deps.catalogOverrides;
  // Together: an organization whose cached configuration went cold waits for one round trip, not two.
  const [scope, access] = await Promise.all([deps.scopes.resolve(identity), overrides.modelAccess(identity.organizationId)]);
  const lookup = { scope, endpoints: deps.endpoints, overrides, organizationId: identity.organizationId };
  const accessible = enforceModelAccess(model, await resolveModel(model, lookup), identity.allowedModels, access);
  const resolved = { ...accessible, offers: narrow(accessible.offers) };
  const userKey = callerKey(request, identity, resolved, model, deps.callerKeyRef);
  await enforceRpm(identity, deps.state);

  const keys = keyContext(identity, scope, userKey);
  const offers = await priceOffers(resolved.offers, overrides, identity.organizationId, new Date(run.startedAt));
  const routed = await deps.router.route({
    modelId: resolved.id,
    offers,
    ordered: resolved.ordered,
    hybrid: identity.mode === 'HYBRID',
    chooseKey: (provider) => chooseKey(provider, keys, deps.platformKeys, deps.pool),
    queues: (provider) => scope.limiter(provider).mode === 'QUEUE',
  });
  run.routing = routed.decision;
  if (!routed.ok) {
    const noKeyMessage = () =>
      explainNoKeySource({
        mode: identity.mode,
        model,
        providers: resolved.offers.map((offer) => offer.provider),
        hostedEnabled: scope.hostedEnabled,
        userKeySent: userKey !== null,
        poolKeyNames: (provider) => deps.platformKeys.pool(provider).map((key) => key.name),
      });
    throw routingFailure(routed.reason, routed.retryAfterMs, noKeyMessage, model, routed.decision.candidates);
  }
  return { scope, candidates: routed.candidates };
}

type CallerKey = { provider: string; secret: string; keyRef: string };

function keyContext(identity: GatewayIdentity, scope: ProjectScope, userKey: CallerKey | null) {
  return {
    organizationId: identity.organizationId,
    mode: identity.mode,
    preferStoredKeys: identity.preferStoredKeys,
    hostedEnabled: scope.hostedEnabled,
    userKey,
    byokKeys: scope.byokKeys,
    customProviders: scope.customProviders,
  };
}

/**
 * x-provider-api-key belongs to one provider: the one `provider/model` names, or the only one
 * serving a bare model. A bare model several providers serve is refused rather than the key
 * silently ignored (in CREDITS mode, which never uses a caller's key, it is left unused).
 */
function callerKey(
  request: FastifyRequest,
  identity: GatewayIdentity,
  resolved: { pinnedProvider: string | null; offers: readonly { provider: string }[] },
  model: string,
  callerKeyRef: CallerKeyRef,
): CallerKey | null {
  const header = request.headers['x-provider-api-key'];
  const secret = typeof header === 'string' && header.trim() !== '' ? header.trim() : null;
  if (!secret) return null;
  const providers = [...new Set(resolved.offers.map((offer) => offer.provider))];
  const provider = resolved.pinnedProvider ?? (providers.length === 1 ? providers[0] : undefined);
  if (provider) return { provider, secret, keyRef: callerKeyRef(secret) };
  if (identity.mode === 'CREDITS') return null;
  const name = model.slice(0, 100);
  throw new GatewayError(
    'BAD_USER_INPUT',
    'invalid_request',
    `x-provider-api-key is for one provider, and "${name}" is served by ${providers.join(', ')}: ` +
      `write model as "provider/model" (e.g. "${providers[0]}/${name}") to say which one the key belongs to`,
  );
}

/** Counted only now: requests refused as invalid or for an unknown model do not use up the limit. */
async function enforceRpm(identity: GatewayIdentity, state: StateStore): Promise<void> {
  if (!identity.rpmLimit) return;
  const verdict = await state.consumeWindow(`gateway-key:${identity.gatewayKeyId}`, identity.rpmLimit);
  if (!verdict.allowed) {
    throw new GatewayError('RATE_LIMITED', 'rate_limited', `This gateway key allows ${identity.rpmLimit} requests per minute`, {
      retryAfterMs: verdict.retryAfterMs,
    });
  }
}

/** Why routing found nothing to call: 429 only when rate limits (cooldowns, a busy pool) are the cause, else 503. */
function routingFailure(
  reason: 'no-key' | 'unavailable',
  retryAfterMs: number | null,
  noKeyMessage: () => string,
  model: string,
  candidates: readonly { status: string }[],
): GatewayError {
  if (reason === 'no-key') return new GatewayError('FORBIDDEN', 'no_key_source', noKeyMessage());
  const throttled = candidates.some((candidate) => candidate.status === 'cooling-down' || candidate.status === 'pool-unavailable');
  if (!throttled)
    return new GatewayError(
      'UNAVAILABLE',
      'providers_unavailable',
      `Every provider key for "${model.slice(0, 100)}" is disabled right now`,
      {
        failureClass: 'AUTH',
      },
    );
  return new GatewayError(
    'RATE_LIMITED',
    'providers_unavailable',
    `Every provider for "${model.slice(0, 100)}" is rate limited or unhealthy right now`,
    {
      failureClass: 'RATE_LIMIT',
      retryAfterMs: retryAfterMs ?? 1_000,
    },
  );
}

/**
 * Settle once the response is fully written (or the client gave up) and the write-ahead intent
 * has committed, never before: the settlement deletes the intent, so it must come second.
 */
function settleAfterResponse(run: RequestRun, reply: FastifyReply, deps: PipelineDependencies): void {
  const done = () => {
    if (run.cancellation.aborted && run.status === 'SUCCESS') run.fail('CANCELLED', 'CANCELLED', 499, 'The client closed the connection');
    run.responding?.end();
    const settling = run.trace.stage('settle');
    settle(run, deps.writer, deps.leases, deps.metrics);
    settling.end();
    logRequest(deps.logger, run, reply.request.method, reply.request.url.split('?')[0] ?? reply.request.url);
    endRequestTrace(run);
  };
  const afterIntent = () => (run.intentCommitted ? void run.intentCommitted.then(done) : done());
  if (reply.raw.writableFinished || reply.raw.destroyed) afterIntent();
  else reply.raw.once('close', afterIntent);
}
