import type { FastifyReply } from 'fastify';
import { type Dispatcher, request as undiciRequest } from 'undici';
import type { FailureClass } from '../../../shared/domain.js';
import type { Metrics } from '../../observability/metrics.js';
import { type ProviderAdapter, RequestTranslationError } from '../../providers/adapter.js';
import type { ParsedChatRequest } from '../../providers/chat-request.js';
import { type ClassifiedFailure, classifyTransportError } from '../../providers/classify-failure.js';
import type { ProviderEvent } from '../../providers/events.js';
import { createStreamShaper, SSE_DONE, sseErrorFrame, toChatCompletion } from '../../providers/openai-shape.js';
import type { StateStore } from '../../state/state-store.js';
import { GatewayError, upstreamFailure } from '../gateway-error.js';
import { keyVerdict } from '../keys/cooldown-policy.js';
import type { HostedKeyPool } from '../keys/hosted-pool.js';
import type { RequestRun } from '../request-run.js';
import type { ProviderHealth } from '../routing/provider-health.js';
import type { RouteCandidate } from '../routing/router.js';
import type { GatewayIdentity } from './authenticate.stage.js';
import { billingRate } from './reserve.stage.js';
import type { ProjectScope } from './resolve.stage.js';

export const MAX_ATTEMPTS = 3;

/** Failures that say something about the provider itself (not the key or the request). */
const PROVIDER_FAULTS: ReadonlySet<FailureClass> = new Set(['UPSTREAM_ERROR', 'TIMEOUT', 'NETWORK', 'STREAM_INTERRUPTED']);

export interface CallDependencies {
  pool: HostedKeyPool;
  state: StateStore;
  health: ProviderHealth;
  metrics: Metrics;
  dispatcher: Dispatcher;
  platformMultiplier: string;
  /** Upstream must send headers, and then each chunk, within this long. */
  upstreamTimeoutMs: number;
}

type AttemptResult = { done: true } | { done: false; failure: ClassifiedFailure; retry: boolean };

/**
 * Call upstream, trying candidates (and other hosted keys) until one answers, at most
 * MAX_ATTEMPTS times, and only while nothing has been sent to the client.
 */
export async function callUpstream(
  run: RequestRun,
  identity: GatewayIdentity,
  scope: ProjectScope,
  candidates: RouteCandidate[],
  request: ParsedChatRequest,
  reply: FastifyReply,
  deps: CallDependencies,
): Promise<void> {
  const triedHosted = new Set<string>();
  let lastError: GatewayError | null = null;
  let index = 0;
  while (run.attempts < MAX_ATTEMPTS && index < candidates.length) {
    const candidate = candidates[index] as RouteCandidate;
    const key = await keyFor(candidate, identity, scope, triedHosted, deps);
    if ('error' in key) {
      lastError = key.error;
      index += 1;
      continue;
    }
    run.attempts += 1;
    run.provider = candidate.provider;
    run.keySource = candidate.key.source;
    run.keyRef = key.keyRef;
    run.prices = candidate.prices;
    run.billingRate = billingRate(candidate, identity, deps.platformMultiplier);

    const result = await attempt(run, candidate, key.secret, request, reply, deps);
    const outcome = result.done ? 'ok' : result.failure.failureClass;
    run.routing?.attempts.push({ provider: candidate.provider, source: candidate.key.source, keyRef: key.keyRef, outcome });
    // Provider health is about the upstream, not one tenant's key: a 429, quota or auth failure
    // of one organization's key must not steer every other organization away from the provider.
    if (result.done) deps.health.record(candidate.provider, true);
    else if (PROVIDER_FAULTS.has(result.failure.failureClass)) deps.health.record(candidate.provider, false);
    if (result.done) return;

    await applyKeyVerdict(candidate, key.keyRef, result.failure, deps);
    lastError = upstreamFailure(result.failure.failureClass, result.failure.message, result.failure.retryAfterMs);
    if (!result.retry || run.committed || run.abort.signal.aborted) throw lastError;
    if (candidate.key.source === 'hosted') triedHosted.add(key.keyRef);
    else index += 1;
    await backoff(run.attempts);
  }
  throw lastError ?? new GatewayError(503, 'no_provider_available', 'No provider could take the request');
}

async function keyFor(
  candidate: RouteCandidate,
  identity: GatewayIdentity,
  scope: ProjectScope,
  triedHosted: ReadonlySet<string>,
  deps: CallDependencies,
): Promise<{ secret: string; keyRef: string } | { error: GatewayError }> {
  if (candidate.key.source !== 'hosted') return { secret: candidate.key.secret as string, keyRef: candidate.key.keyRef };
  const limiter = scope.limiter(candidate.provider);
  const acquired = await deps.pool.acquire(candidate.provider, identity.organizationId, limiter, triedHosted);
  if (acquired.ok) {
    if (limiter.mode === 'QUEUE') deps.metrics.hostedKeyQueueWait.observe({ provider: candidate.provider }, acquired.waitedMs / 1000);
    return { secret: acquired.key.secret, keyRef: acquired.key.name };
  }
  deps.metrics.hostedKeyThrottled.inc({ provider: candidate.provider, reason: acquired.reason });
  const message =
    acquired.reason === 'organization_limit'
      ? `The organization's hosted-key limit for ${candidate.provider} is reached`
      : acquired.reason === 'queue_timeout'
        ? `No hosted ${candidate.provider} key came free in time`
        : `Every hosted ${candidate.provider} key is cooling down or disabled`;
  return { error: new GatewayError(429, 'rate_limited', message, { failureClass: 'RATE_LIMIT', retryAfterMs: acquired.retryAfterMs }) };
}

async function applyKeyVerdict(candidate: RouteCandidate, keyRef: string, failure: ClassifiedFailure, deps: CallDependencies): Promise<void> {
  if (candidate.key.source === 'hosted') {
    deps.metrics.hostedKeyFailed.inc({ provider: candidate.provider, key_name: keyRef, reason: failure.failureClass });
  }
  const verdict = keyVerdict(failure.failureClass, failure.retryAfterMs, Date.now());
  if (verdict.action === 'cooldown') await deps.state.setCooldown(keyRef, verdict.untilMs);
  // The caller's own header key is theirs to fix; only stored and platform keys are disabled.
  if (verdict.action === 'disable' && candidate.key.source !== 'user') await deps.state.setDisabled(keyRef, true, verdict.reason);
}

async function attempt(
  run: RequestRun,
  candidate: RouteCandidate,
  apiKey: string,
  request: ParsedChatRequest,
  reply: FastifyReply,
  deps: CallDependencies,
): Promise<AttemptResult> {
  const { adapter, baseUrl } = candidate.endpoint;
  let upstream: ReturnType<ProviderAdapter['buildRequest']>;
  try {
    upstream = adapter.buildRequest(request, { baseUrl, apiKey, upstreamModel: candidate.providerModel, stream: run.stream });
  } catch (error) {
    if (error instanceof RequestTranslationError) throw new GatewayError(400, 'invalid_request', error.message, { failureClass: 'BAD_REQUEST' });
    throw error;
  }
  let response: Dispatcher.ResponseData;
  try {
    response = await undiciRequest(upstream.url, {
      method: 'POST',
      headers: upstream.headers,
      body: upstream.body,
      dispatcher: deps.dispatcher,
      signal: run.abort.signal,
      headersTimeout: deps.upstreamTimeoutMs,
      bodyTimeout: deps.upstreamTimeoutMs,
    });
  } catch (error) {
    return { done: false, failure: classifyTransportError(error), retry: true };
  }
  if (response.statusCode >= 300) {
    const text = await response.body.text().catch(() => '');
    const failure = adapter.classifyError({ status: response.statusCode, body: text, headers: response.headers });
    return { done: false, failure, retry: failure.failureClass !== 'BAD_REQUEST' };
  }
  return run.stream ? relayStream(run, adapter, response, request, reply) : relayJson(run, adapter, response, reply);
}

function responseHeaders(run: RequestRun): Record<string, string> {
  return {
    'x-keyplane-request-id': run.requestId,
    'x-keyplane-provider': run.provider ?? '',
    'x-keyplane-key-source': run.keySource ?? '',
    'x-keyplane-route': routeSummary(run),
  };
}

/** `openai:byok; attempts=2; failed=groq:byok=RATE_LIMIT; why=…` — the routing decision in one header. */
export function routeSummary(run: RequestRun): string {
  const failed = run.routing?.attempts.filter((a) => a.outcome !== 'ok').map((a) => `${a.provider}:${a.source}=${a.outcome}`) ?? [];
  const parts = [`${run.provider ?? '-'}:${run.keySource ?? '-'}`, `attempts=${run.attempts}`];
  if (failed.length > 0) parts.push(`failed=${failed.join(',')}`);
  if (run.routing?.why) parts.push(`why=${run.routing.why}`);
  // Header values must be latin-1: keep the summary ASCII.
  return parts.join('; ').replace(/[^\x20-\x7e]/g, "'");
}

async function relayJson(run: RequestRun, adapter: ProviderAdapter, response: Dispatcher.ResponseData, reply: FastifyReply): Promise<AttemptResult> {
  let events: ProviderEvent[];
  try {
    events = adapter.parseResponse(await response.body.json());
  } catch (error) {
    if (run.abort.signal.aborted) return { done: false, failure: { failureClass: 'CANCELLED', message: 'The client went away' }, retry: false };
    return { done: false, failure: { failureClass: 'UPSTREAM_ERROR', message: `Unreadable response: ${(error as Error).message}` }, retry: true };
  }
  const error = events.find((event) => event.type === 'error');
  if (error) return { done: false, failure: { failureClass: error.failureClass, message: error.message }, retry: error.failureClass !== 'BAD_REQUEST' };
  for (const event of events) run.observe(event);
  run.committed = true;
  await reply
    .code(200)
    .headers(responseHeaders(run))
    .send(toChatCompletion(events, { id: `chatcmpl-${run.requestId}`, created: Math.floor(run.startedAt / 1000), model: run.model }));
  return { done: true };
}

async function relayStream(
  run: RequestRun,
  adapter: ProviderAdapter,
  response: Dispatcher.ResponseData,
  request: ParsedChatRequest,
  reply: FastifyReply,
): Promise<AttemptResult> {
  const shaper = createStreamShaper({
    id: `chatcmpl-${run.requestId}`,
    created: Math.floor(run.startedAt / 1000),
    model: run.model,
    includeUsage: request.request.stream_options?.include_usage === true,
  });
  const raw = reply.raw;
  const write = async (text: string) => {
    if (text && !raw.write(text) && !raw.destroyed) await new Promise((resolve) => raw.once('drain', resolve));
  };
  for await (const event of adapter.parseStream(response.body)) {
    if (event.type === 'error') {
      const cancelled = run.abort.signal.aborted;
      const failureClass: FailureClass = cancelled ? 'CANCELLED' : run.committed ? 'STREAM_INTERRUPTED' : event.failureClass;
      if (!run.committed) {
        response.body.destroy();
        return { done: false, failure: { failureClass, message: event.message }, retry: !cancelled && failureClass !== 'BAD_REQUEST' };
      }
      run.fail(cancelled ? 'CANCELLED' : 'FAILED', failureClass, 200, event.message);
      if (!raw.destroyed) {
        // No silent truncation: the client learns its answer is incomplete.
        await write(sseErrorFrame('STREAM_INTERRUPTED', `The provider's stream broke off: ${event.message}`));
        raw.end();
      }
      return { done: true };
    }
    run.observe(event);
    const frame = shaper.push(event);
    if (!frame) continue;
    if (!run.committed) {
      run.committed = true;
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        ...responseHeaders(run),
      });
    }
    await write(frame);
  }
  if (!run.committed) {
    run.committed = true;
    reply.hijack();
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...responseHeaders(run) });
  }
  await write(shaper.end() || SSE_DONE);
  raw.end();
  return { done: true };
}

/** Exponential backoff with jitter between attempts (50 ms, 100 ms, … capped at 1 s). */
function backoff(attempt: number): Promise<void> {
  const base = Math.min(1_000, 50 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
}
