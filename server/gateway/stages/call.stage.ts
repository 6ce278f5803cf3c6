import type { Dispatcher } from 'undici';
import { boundedMemo } from '../../../shared/bounded-memo.js';
import type { FailureClass } from '../../../shared/domain.js';
import { UpstreamAddressRefused } from '../../net/upstream-address.js';
import type { Metrics } from '../../observability/metrics.js';
import type { StageSpan } from '../../observability/tracing.js';
import { type ProviderAdapter, RequestTranslationError, type UpstreamRequest } from '../../providers/adapter.js';
import type { ParsedChatRequest } from '../../providers/canonical-request.js';
import { type ClassifiedFailure, classifyTransportError } from '../../providers/classify-failure.js';
import type { ProviderEvent } from '../../providers/events.js';
import type { StateStore } from '../../state/state-store.js';
import { billingRate } from '../billing/billing-rate.js';
import type { PassThrough } from '../front-doors/front-door.js';
import { GatewayError, upstreamFailure } from '../gateway-error.js';
import { keyVerdict } from '../keys/cooldown-policy.js';
import type { HostedKeyPool } from '../keys/hosted-pool.js';
import type { KeyCheck } from '../keys/key-check.js';
import type { PlatformAlerts } from '../keys/platform-alerts.js';
import type { GatewayIdentity, ProjectScope, ResponseSink } from '../request-context.js';
import type { RequestRun } from '../request-run.js';
import { attemptAttributes, tracedStage } from '../request-trace.js';
import type { ProviderHealth } from '../routing/provider-health.js';
import type { RouteCandidate } from '../routing/router.js';
import { type SecretScrubber, secretScrubber } from '../secret-scrubber.js';
import { type EmbeddingsCallInput, embeddingsOf, relayEmbeddings } from './embeddings-relay.js';
import { type AttemptResult, passThroughRequest, relayPassThrough } from './pass-through-relay.js';
import { readAnswerText, readErrorText, unreadableAnswerMessage } from './upstream-body.js';

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
  /**
   * Write-ahead accounting: resolves once the run's intent can no longer be lost with this process
   * (its first upstream call may then be made), and leaves the commit in `run.intentCommitted`.
   */
  writeAhead: (run: RequestRun) => Promise<void>;
  /** Operators' alerts when platform keys go out of service. */
  alerts: Pick<PlatformAlerts, 'keyDisabled' | 'keyCooling'>;
  /** Asks the provider whether a key refused with 401/403 is itself refused, before it is disabled. */
  keyCheck: Pick<KeyCheck, 'check'>;
}

/** The key one attempt uses: its secret, its name on usage records, where its state lives. */
interface AttemptKey {
  secret: string;
  keyRef: string;
  stateKey: string;
}

/** What the call stage sends: a chat (canonical request, and the client's own body for a pass-through), or embeddings. */
export type CallInput = ChatCallInput | EmbeddingsCallInput;

export interface ChatCallInput {
  kind?: 'chat';
  request: ParsedChatRequest;
  /** Where the answer goes: the respond stage, in the front door's format. */
  sink: ResponseSink;
  /** The client's body as sent. */
  raw: Record<string, unknown>;
  /** The client's request headers (a pass-through forwards some of them). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The front door's pass-through, used when the candidate's adapter speaks its format. */
  passThrough?: PassThrough;
  /** Why the request cannot be translated (a 400 for every candidate it does not pass through to). */
  translationError?: string;
}

/**
 * Call upstream, trying candidates (and other hosted keys) until one answers, at most
 * MAX_ATTEMPTS times, and only while nothing has been sent to the client.
 */
export async function callUpstream(
  run: RequestRun,
  identity: GatewayIdentity,
  scope: ProjectScope,
  candidates: RouteCandidate[],
  input: CallInput,
  deps: CallDependencies,
): Promise<void> {
  const triedHosted = new Set<string>();
  let lastError: GatewayError | null = null;
  let upstreamError: GatewayError | null = null;
  let index = 0;
  while (run.attempts < MAX_ATTEMPTS && index < candidates.length) {
    const candidate = candidates[index] as RouteCandidate;
    const key = await keyFor(candidate, identity, scope, triedHosted, deps);
    if ('error' in key) {
      // No free key is not why the request failed when an upstream already answered: the
      // status names the last real cause (a 500 stays 502, a hang 504), not a 429.
      lastError = upstreamError ?? key.error;
      index += 1;
      continue;
    }
    run.attempts += 1;
    run.provider = candidate.provider;
    run.keySource = candidate.key.source;
    run.keyRef = key.keyRef;
    run.prices = candidate.prices;
    run.billingRate = billingRate(candidate, identity, deps.platformMultiplier);
    // Before the provider sees the first call, a record of it must survive this process.
    if (run.attempts === 1) await deps.writeAhead(run);

    const result = await tracedStage(run, 'upstream', async (span) => {
      span.set(attemptAttributes(run, candidate, key.keyRef));
      const outcome = await attempt(run, candidate, key.secret, input, deps, span);
      // A stream that broke after its first byte is done (nothing can be retried) but failed.
      const failed = outcome.done ? (run.status === 'SUCCESS' ? null : run.failureClass) : outcome.failure.failureClass;
      if (failed) span.fail(failed);
      return outcome;
    });
    if (result.done) {
      run.routing?.attempts.push({ provider: candidate.provider, source: candidate.key.source, keyRef: key.keyRef, outcome: 'ok' });
      deps.health.record(candidate.provider, true);
      return;
    }
    const { failure, retry, keyRejected } = await checkedFailure(candidate, key, result, deps);
    run.routing?.attempts.push({
      provider: candidate.provider,
      source: candidate.key.source,
      keyRef: key.keyRef,
      outcome: failure.failureClass,
    });
    // Provider health is about the upstream, not one tenant's key: a 429, quota or auth failure
    // of one organization's key must not steer every other organization away from the provider.
    if (PROVIDER_FAULTS.has(failure.failureClass)) deps.health.record(candidate.provider, false);

    await applyKeyVerdict(candidate, key, failure, keyRejected, deps);
    upstreamError = upstreamFailure(failure.failureClass, failure.message, failure.retryAfterMs);
    lastError = upstreamError;
    if (!retry || run.committed || run.cancellation.aborted) throw lastError;
    if (candidate.key.source === 'hosted') triedHosted.add(key.keyRef);
    else index += 1;
    await backoff(run.attempts);
  }
  throw lastError ?? new GatewayError('UNAVAILABLE', 'no_provider_available', 'No provider could take the request');
}

async function keyFor(
  candidate: RouteCandidate,
  identity: GatewayIdentity,
  scope: ProjectScope,
  triedHosted: ReadonlySet<string>,
  deps: CallDependencies,
): Promise<AttemptKey | { error: GatewayError }> {
  if (candidate.key.source !== 'hosted') {
    return { secret: candidate.key.secret as string, keyRef: candidate.key.keyRef, stateKey: candidate.key.stateKey as string };
  }
  const limiter = scope.limiter(candidate.provider);
  const acquired = await deps.pool.acquire(candidate.provider, identity.organizationId, limiter, triedHosted);
  if (acquired.ok) {
    if (limiter.mode === 'QUEUE') deps.metrics.hostedKeyQueueWait.observe({ provider: candidate.provider }, acquired.waitedMs / 1000);
    return { secret: acquired.key.secret, keyRef: acquired.key.name, stateKey: acquired.key.name };
  }
  deps.metrics.hostedKeyThrottled.inc({ provider: candidate.provider, reason: acquired.reason });
  const message =
    acquired.reason === 'organization_limit'
      ? `The organization's hosted-key limit for ${candidate.provider} is reached`
      : acquired.reason === 'queue_timeout'
        ? `No hosted ${candidate.provider} key came free in time`
        : `Every hosted ${candidate.provider} key is cooling down or disabled`;
  return {
    error: new GatewayError('RATE_LIMITED', 'rate_limited', message, { failureClass: 'RATE_LIMIT', retryAfterMs: acquired.retryAfterMs }),
  };
}

/**
 * An attempt's failure once the key is checked: a 401/403 (AUTH) with a key other than the
 * caller's own is confirmed by asking the provider with the key alone (KeyCheck). A key the
 * provider still serves was not the cause: the request was, so it is the caller's failure
 * (BAD_REQUEST), not retried on other keys, and the key stays in service. Only a key the check
 * also sees refused is disabled; when the check cannot tell, the key stays in service too. The
 * caller's own header key is never checked nor disabled: it is theirs to fix.
 */
async function checkedFailure(
  candidate: RouteCandidate,
  key: AttemptKey,
  result: Extract<AttemptResult, { done: false }>,
  deps: CallDependencies,
): Promise<{ failure: ClassifiedFailure; retry: boolean; keyRejected: boolean }> {
  const { failure, retry } = result;
  if (failure.failureClass !== 'AUTH' || candidate.key.source === 'user') return { failure, retry, keyRejected: false };
  const outcome = await deps.keyCheck.check({
    stateKey: key.stateKey,
    adapter: candidate.endpoint.adapter,
    baseUrl: candidate.endpoint.baseUrl,
    apiKey: key.secret,
    dispatcher: candidate.endpoint.dispatcher ?? deps.dispatcher,
  });
  if (outcome === 'accepted') return { failure: { ...failure, failureClass: 'BAD_REQUEST' }, retry: false, keyRejected: false };
  return { failure, retry, keyRejected: outcome === 'rejected' };
}

async function applyKeyVerdict(
  candidate: RouteCandidate,
  key: AttemptKey,
  failure: ClassifiedFailure,
  keyRejected: boolean,
  deps: CallDependencies,
): Promise<void> {
  if (candidate.key.source === 'hosted') {
    deps.metrics.hostedKeyFailed.inc({ provider: candidate.provider, key_name: key.keyRef, reason: failure.failureClass });
  }
  const verdict = keyVerdict(failure.failureClass, failure.retryAfterMs, Date.now());
  const platformKey = candidate.key.source === 'hosted' || candidate.key.source === 'env';
  if (verdict.action === 'cooldown') {
    await deps.state.setCooldown(key.stateKey, verdict.untilMs);
    if (candidate.key.source === 'hosted') deps.alerts.keyCooling(candidate.provider);
  }
  // Only a key the check found refused (never the caller's own: checkedFailure).
  if (verdict.action === 'disable' && keyRejected) {
    await deps.state.setDisabled(key.stateKey, true, verdict.reason);
    if (platformKey) deps.alerts.keyDisabled(candidate.provider, key.keyRef, verdict.reason);
  }
}

/**
 * An upstream URL as a dispatcher takes it, parsed once per URL: the same few recur, where
 * undici's `request(url)` parsed each one again (about 1 µs) and copied the options. Tenants'
 * base URLs and model names make the set open, hence the bound.
 */
const upstreamTarget = boundedMemo((url: string): { origin: string; path: string } => {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}, 1_000);

async function attempt(
  run: RequestRun,
  candidate: RouteCandidate,
  apiKey: string,
  input: CallInput,
  deps: CallDependencies,
  span: StageSpan,
): Promise<AttemptResult> {
  const { adapter, baseUrl } = candidate.endpoint;
  // Same format both sides: the client's body goes upstream as sent, the answer comes back untouched.
  const chat = input.kind === 'embeddings' ? null : input;
  const passThrough = chat?.passThrough?.adapterKind === adapter.kind ? chat.passThrough : undefined;
  // Everything upstream-derived passes here before the client, the usage record or a log sees it.
  const scrub = secretScrubber(apiKey);
  run.passedThrough = passThrough !== undefined;
  span.set({ 'keyplane.pass_through': run.passedThrough });
  if (!passThrough && chat?.translationError)
    throw new GatewayError('BAD_USER_INPUT', 'invalid_request', chat.translationError, { failureClass: 'BAD_REQUEST' });
  let upstream: UpstreamRequest;
  try {
    const context = { baseUrl, apiKey, upstreamModel: candidate.providerModel, stream: run.stream };
    upstream =
      input.kind === 'embeddings'
        ? embeddingsOf(adapter).buildRequest(input.request, context)
        : passThrough
          ? passThroughRequest(passThrough, input, adapter, context)
          : adapter.buildRequest(input.request, context);
  } catch (error) {
    if (error instanceof RequestTranslationError)
      throw new GatewayError('BAD_USER_INPUT', 'invalid_request', error.message, { failureClass: 'BAD_REQUEST' });
    throw error;
  }
  let response: Dispatcher.ResponseData;
  try {
    const dispatcher = candidate.endpoint.dispatcher ?? deps.dispatcher;
    response = await dispatcher.request({
      ...upstreamTarget(upstream.url),
      method: 'POST',
      headers: upstream.headers,
      body: upstream.body,
      signal: run.cancellation,
      headersTimeout: deps.upstreamTimeoutMs,
      bodyTimeout: deps.upstreamTimeoutMs,
    });
  } catch (error) {
    // The tenant's base URL points inside: its request is at fault, not a key or the provider.
    if (error instanceof UpstreamAddressRefused) {
      throw new GatewayError('BAD_USER_INPUT', 'invalid_request', `Custom provider ${candidate.provider} ${error.message}`, {
        failureClass: 'BAD_REQUEST',
      });
    }
    return { done: false, failure: scrub.failure(classifyTransportError(error)), retry: true };
  }
  span.set({ 'http.response.status_code': response.statusCode });
  if (response.statusCode >= 300) {
    const text = await readErrorText(response.body);
    const failure = scrub.failure(adapter.classifyError({ status: response.statusCode, body: text, headers: response.headers }));
    return { done: false, failure, retry: failure.failureClass !== 'BAD_REQUEST' };
  }
  const relayed =
    input.kind === 'embeddings'
      ? await relayEmbeddings(run, embeddingsOf(adapter), response, input)
      : passThrough
        ? await relayPassThrough(run, passThrough, response, input.sink, scrub)
        : run.stream
          ? await relayStream(run, adapter, response, input.sink, scrub)
          : await relayJson(run, adapter, response, input.sink);
  return relayed.done ? relayed : { ...relayed, failure: scrub.failure(relayed.failure) };
}

async function relayJson(
  run: RequestRun,
  adapter: ProviderAdapter,
  response: Dispatcher.ResponseData,
  sink: ResponseSink,
): Promise<AttemptResult> {
  let events: ProviderEvent[];
  try {
    events = adapter.parseResponse(JSON.parse(await readAnswerText(response.body)));
  } catch (error) {
    if (run.cancellation.aborted)
      return { done: false, failure: { failureClass: 'CANCELLED', message: 'The client went away' }, retry: false };
    return { done: false, failure: { failureClass: 'UPSTREAM_ERROR', message: unreadableAnswerMessage(error) }, retry: true };
  }
  const error = events.find((event) => event.type === 'error');
  if (error)
    return {
      done: false,
      failure: { failureClass: error.failureClass, message: error.message },
      retry: error.failureClass !== 'BAD_REQUEST',
    };
  for (const event of events) run.observe(event);
  await sink.complete(events);
  return { done: true };
}

async function relayStream(
  run: RequestRun,
  adapter: ProviderAdapter,
  response: Dispatcher.ResponseData,
  sink: ResponseSink,
  scrub: SecretScrubber,
): Promise<AttemptResult> {
  for await (const event of scrub.events(adapter.parseStream(response.body))) {
    if (event.type === 'error') {
      const cancelled = run.cancellation.aborted;
      const failureClass: FailureClass = cancelled ? 'CANCELLED' : run.committed ? 'STREAM_INTERRUPTED' : event.failureClass;
      if (!run.committed) {
        response.body.destroy();
        return { done: false, failure: { failureClass, message: event.message }, retry: !cancelled && failureClass !== 'BAD_REQUEST' };
      }
      run.fail(cancelled ? 'CANCELLED' : 'FAILED', failureClass, 200, event.message);
      // No silent truncation: the client learns its answer is incomplete.
      await sink.interrupt('STREAM_INTERRUPTED', `The provider's stream broke off: ${event.message}`);
      return { done: true };
    }
    run.observe(event);
    await sink.push(event);
  }
  await sink.end();
  return { done: true };
}

/** Exponential backoff with jitter between attempts (50 ms, 100 ms, … capped at 1 s). */
function backoff(attempt: number): Promise<void> {
  const base = Math.min(1_000, 50 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
}
