import { type KeyStatus, keyStatus } from '../../state/key-state-names.js';
import type { StateStore } from '../../state/state-store.js';
import type { BillingQuote } from '../billing/price-lookup.js';
import { upstreamCostPico } from '../billing/pricing.js';
import type { Endpoint } from '../endpoints.js';
import type { HostedKeyPool } from '../keys/hosted-pool.js';
import { isKeyed, type KeyChoice } from '../keys/key-choice.js';
import type { ProviderHealth } from './provider-health.js';

/** One provider serving the requested model, and how to reach it. */
export interface RoutableOffer {
  provider: string;
  providerModel: string;
  prices: BillingQuote | null;
  maxOutputTokens: number | null;
  endpoint: Endpoint;
}

export interface RouteCandidate extends RoutableOffer {
  key: KeyChoice;
}

export type CandidateStatus = 'ok' | 'no-key' | 'cooling-down' | 'disabled' | 'unhealthy' | 'pool-unavailable';

/** How a key's state reads in a routing decision. */
const CANDIDATE_STATUS: Record<KeyStatus, CandidateStatus> = { AVAILABLE: 'ok', COOLING_DOWN: 'cooling-down', DISABLED: 'disabled' };

/** What routing saw and chose; stored on the usage record. */
export interface RoutingDecision {
  model: string;
  candidates: { provider: string; source: string | null; keyRef: string | null; status: CandidateStatus; retryAfterMs?: number }[];
  order: string[];
  why: string;
  attempts: { provider: string; source: string; keyRef: string; outcome: string }[];
}

export interface RouteInput {
  modelId: string;
  offers: readonly RoutableOffer[];
  /** Keep the offers' order (an alias's targets, tried like fallbacks) instead of cheapest first. */
  ordered?: boolean;
  hybrid: boolean;
  chooseKey(provider: string): KeyChoice | null;
  /** True when the provider's hosted limiter queues (a cooling pool is then still worth waiting for). */
  queues(provider: string): boolean;
}

export type RouteResult =
  | { ok: true; candidates: RouteCandidate[]; decision: RoutingDecision }
  | { ok: false; reason: 'no-key' | 'unavailable'; retryAfterMs: number | null; decision: RoutingDecision };

/**
 * Candidates = providers serving the model × the key each would use. Health filtering runs
 * over the whole set first; only then does HYBRID prefer keyed providers (so a rate-limited
 * keyed provider falls back to platform keys), and within a group the cheapest wins.
 */
export class Router {
  constructor(
    private readonly state: StateStore,
    private readonly pool: HostedKeyPool,
    private readonly health: ProviderHealth,
    private readonly now: () => number = Date.now,
  ) {}

  async route(input: RouteInput): Promise<RouteResult> {
    const decision: RoutingDecision = { model: input.modelId, candidates: [], order: [], why: '', attempts: [] };
    const keyed: RouteCandidate[] = [];
    for (const offer of input.offers) {
      const key = input.chooseKey(offer.provider);
      if (!key) {
        decision.candidates.push({ provider: offer.provider, source: null, keyRef: null, status: 'no-key' });
        continue;
      }
      // Written out, not spread: a spread here was most of routing's own time.
      const { provider, providerModel, prices, maxOutputTokens, endpoint } = offer;
      keyed.push({ provider, providerModel, prices, maxOutputTokens, endpoint, key });
    }
    if (keyed.length === 0)
      return {
        ok: false,
        reason: 'no-key',
        retryAfterMs: null,
        // HYBRID allows every source, so there the mode is not what refused.
        decision: {
          ...decision,
          why: input.hybrid ? 'no provider serving the model has a key from any source' : 'no key from a source the project mode allows',
        },
      };

    const stateKeys: string[] = [];
    for (const candidate of keyed) if (candidate.key.stateKey !== null) stateKeys.push(candidate.key.stateKey);
    const states = await this.state.cachedKeyStates(stateKeys);
    const now = this.now();
    const healthy: RouteCandidate[] = [];
    let retryAfterMs: number | null = null;
    const noteRetry = (ms: number | null) => {
      if (ms !== null) retryAfterMs = retryAfterMs === null ? ms : Math.min(retryAfterMs, ms);
    };
    const lowUptime: RouteCandidate[] = [];
    for (const candidate of keyed) {
      const status = await this.status(candidate, states, now, input, noteRetry);
      decision.candidates.push({ provider: candidate.provider, source: candidate.key.source, keyRef: candidate.key.keyRef, status });
      if (status === 'ok') healthy.push(candidate);
      if (status === 'unhealthy') lowUptime.push(candidate);
    }
    // Low uptime steers traffic away but never refuses it alone: without a try, a provider
    // that recovered could never show it.
    if (healthy.length === 0 && lowUptime.length > 0) healthy.push(...lowUptime);
    if (healthy.length === 0)
      return {
        ok: false,
        reason: 'unavailable',
        retryAfterMs,
        decision: { ...decision, why: 'every candidate is cooling down, disabled or unhealthy' },
      };

    const byPrice = (list: RouteCandidate[]) => (input.ordered ? list : cheapestFirst(list));
    const preferred = input.hybrid ? healthy.filter((c) => isKeyed(c.key.source)) : healthy;
    const rest = input.hybrid ? healthy.filter((c) => !isKeyed(c.key.source)) : [];
    const ordered = [...byPrice(preferred), ...byPrice(rest)];
    decision.order = ordered.map((c) => `${c.provider}:${c.key.source}`);
    const first = input.ordered ? 'in the alias’s order' : 'cheapest first';
    decision.why = input.hybrid
      ? preferred.length > 0
        ? `hybrid: healthy providers with the organization’s or caller’s key first, ${first}`
        : `hybrid: no healthy keyed provider, falling back to platform keys, ${first}`
      : input.ordered
        ? 'healthy providers in the alias’s order'
        : 'cheapest healthy provider first';
    return { ok: true, candidates: ordered, decision };
  }

  private async status(
    candidate: RouteCandidate,
    states: Map<string, { cooldownUntil: number; disabled: boolean }>,
    now: number,
    input: RouteInput,
    noteRetry: (ms: number | null) => void,
  ): Promise<CandidateStatus> {
    const keyStatus = await this.keyStatus(candidate, states, now, input, noteRetry);
    if (keyStatus !== 'ok') return keyStatus;
    return this.health.isHealthy(candidate.provider) ? 'ok' : 'unhealthy';
  }

  /** Whether the candidate's key can be used now (cooldowns, disabled keys, the hosted pool). */
  private async keyStatus(
    candidate: RouteCandidate,
    states: Map<string, { cooldownUntil: number; disabled: boolean }>,
    now: number,
    input: RouteInput,
    noteRetry: (ms: number | null) => void,
  ): Promise<CandidateStatus> {
    if (candidate.key.source === 'hosted') {
      if (input.queues(candidate.provider)) return 'ok';
      const availability = await this.pool.availability(candidate.provider);
      noteRetry(availability.retryAfterMs);
      return availability.available ? 'ok' : 'pool-unavailable';
    }
    const state = candidate.key.stateKey === null ? undefined : states.get(candidate.key.stateKey);
    const status = keyStatus(state, now);
    if (status === 'COOLING_DOWN' && state) noteRetry(state.cooldownUntil - now);
    return CANDIDATE_STATUS[status];
  }
}

/** Candidates by the price of a typical call, each priced once (not per comparison); ties keep their order. */
function cheapestFirst(candidates: readonly RouteCandidate[]): RouteCandidate[] {
  return candidates
    .map((candidate) => ({ candidate, price: unitPrice(candidate) }))
    .sort((a, b) => a.price - b.price)
    .map(({ candidate }) => candidate);
}

/** Price of a typical call (1 input : 1 output token); unpriced offers sort last. */
function unitPrice(candidate: RouteCandidate): number {
  const tokens = { inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 1_000 };
  return candidate.prices ? Number(upstreamCostPico(tokens, candidate.prices)) : Number.POSITIVE_INFINITY;
}
