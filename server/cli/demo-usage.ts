import { createHash, randomUUID } from 'node:crypto';
import { findModel, type ModelOffer } from '../../shared/catalog.js';
import type { FailureClass, KeySource, ProjectMode } from '../../shared/domain.js';
import { applyRate } from '../../shared/money.js';
import type { Prisma } from '../db/generated/client.js';
import { upstreamCostPico } from '../gateway/billing/pricing.js';
import { type SettlementRow, settlementRow } from '../gateway/billing/settlement-row.js';
import { chooseKey, isKeyed, type KeyChoiceContext } from '../gateway/keys/key-choice.js';

/** A demo project as the usage generator needs it. */
export interface DemoTrafficProject {
  organizationId: string;
  projectId: string;
  mode: ProjectMode;
  gatewayKeyIds: string[];
  /** Relative share of all traffic. */
  weight: number;
  /** Catalog model ids the project calls, most used first. */
  models: string[];
  /** The organization's stored keys: provider → provider key id. */
  byok: ReadonlyMap<string, string>;
  /** hosted-key-llm on for the organization: platform calls use the pool, else the legacy env key. */
  hostedPool: boolean;
  byokFeeRate: string;
  hostedRate: string;
  /**
   * Attribution, cycled by the record's index: tag sets (sorted, as stored; [] = untagged) and
   * end users (the organization's own customers; null = the request named none).
   */
  tagSets: readonly (readonly string[])[];
  endUsers: readonly (string | null)[];
}

/**
 * One demo request as the gateway settles it; `debitPico` is the billed cost the organization's
 * credits pay (every billed cost, BYOK fees in API_KEYS projects too), debited when the request was made.
 */
export type DemoUsage = SettlementRow;

export interface DemoTrafficOptions {
  now: number;
  days: number;
  random: () => number;
  /** Hosted pool key names for a provider, e.g. OPENAI_API_KEY_1. */
  poolKeyNames(provider: string): string[];
  /** The legacy single key's name for a provider, e.g. OPENAI_API_KEY. */
  envKeyName(provider: string): string;
}

/** Typical time to first token (ms) and output speed (tokens/s) per provider, for plausible latencies. */
const SPEED: Record<string, { ttftMs: number; tokensPerSecond: number }> = {
  openai: { ttftMs: 450, tokensPerSecond: 90 },
  anthropic: { ttftMs: 700, tokensPerSecond: 70 },
  google: { ttftMs: 500, tokensPerSecond: 150 },
  mistral: { ttftMs: 400, tokensPerSecond: 110 },
  groq: { ttftMs: 120, tokensPerSecond: 450 },
  together: { ttftMs: 300, tokensPerSecond: 120 },
  fireworks: { ttftMs: 250, tokensPerSecond: 160 },
  deepseek: { ttftMs: 900, tokensPerSecond: 35 },
};

const FAILURES: { failureClass: FailureClass; weight: number; httpStatus: number; message: string }[] = [
  { failureClass: 'RATE_LIMIT', weight: 30, httpStatus: 429, message: 'Rate limit reached for requests per minute; retry after 20s' },
  { failureClass: 'UPSTREAM_ERROR', weight: 24, httpStatus: 503, message: 'The upstream provider returned 503 Service Unavailable' },
  { failureClass: 'TIMEOUT', weight: 11, httpStatus: 504, message: 'The upstream provider did not answer in time' },
  { failureClass: 'BAD_REQUEST', weight: 12, httpStatus: 400, message: "Invalid request: 'max_tokens' is too large for this model" },
  { failureClass: 'NETWORK', weight: 6, httpStatus: 502, message: 'Could not reach the upstream provider (ECONNRESET)' },
  {
    failureClass: 'QUOTA',
    weight: 5,
    httpStatus: 429,
    message: 'You exceeded your current quota, please check your plan and billing details',
  },
  { failureClass: 'AUTH', weight: 4, httpStatus: 401, message: 'The provider rejected the API key' },
  { failureClass: 'STREAM_INTERRUPTED', weight: 8, httpStatus: 200, message: 'The upstream stream ended before the answer was complete' },
];

/**
 * The front doors demo traffic came through, picked by the record's index (not the PRNG, so
 * every other field of the demo stays as it was): mostly Chat Completions, some Anthropic
 * Messages (Claude Code) and Responses (Codex, Agents SDK) callers.
 */
const DEMO_ENDPOINTS = ['openai-chat', 'openai-chat', 'anthropic-messages', 'openai-chat', 'openai-responses'] as const;

const FAILURE_RATE = 0.05;
const CANCEL_RATE = 0.01;

/** Realistic gateway traffic for the demo projects: newest last, with costs from catalog prices. */
export function generateDemoUsage(projects: readonly DemoTrafficProject[], count: number, options: DemoTrafficOptions): DemoUsage[] {
  const { random } = options;
  const pickWeighted = <T>(items: readonly T[], weightOf: (item: T) => number): T => {
    const total = items.reduce((sum, item) => sum + weightOf(item), 0);
    let roll = random() * total;
    for (const item of items) {
      roll -= weightOf(item);
      if (roll <= 0) return item;
    }
    return items[items.length - 1] as T;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const logNormal = (median: number, spread: number) => median * Math.exp(spread * normal());
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));

  const records: DemoUsage[] = [];
  for (let n = 0; n < count; n += 1) {
    const project = pickWeighted(projects, (p) => p.weight);
    const createdAt = new Date(sampleTime(options));
    const modelId = pickWeighted(project.models, (m) => 1 / (project.models.indexOf(m) + 1));
    const model = findModel(modelId);
    if (!model) throw new Error(`Demo model ${modelId} is not in the catalog`);
    const priced = model.offers.filter((offer) => offer.price !== null);
    const route = chooseRoute(project, modelId, priced, random, options);
    const prices = route.offer.price;
    const stream = random() < 0.6;

    // What happened: mostly success, ~5% failures across classes, a few client cancels.
    const roll = random();
    const failure =
      roll < FAILURE_RATE
        ? pickWeighted(
            FAILURES.filter((f) => (f.failureClass === 'STREAM_INTERRUPTED' ? stream : true)),
            (f) => f.weight,
          )
        : null;
    const cancelled = !failure && roll < FAILURE_RATE + CANCEL_RATE;
    const status = failure ? 'FAILED' : cancelled ? 'CANCELLED' : 'SUCCESS';

    const inputTokens = Math.max(12, Math.round(logNormal(900, 0.9)));
    const cachedInputTokens = prices?.cachedInput != null && random() < 0.3 ? Math.round(inputTokens * (0.2 + random() * 0.6)) : 0;
    const fullOutput = Math.max(1, Math.round(logNormal(280, 0.8)));
    // Interrupted and cancelled streams got part of the answer; other failures got none.
    const partial = failure?.failureClass === 'STREAM_INTERRUPTED' || cancelled;
    const outputTokens = failure && !partial ? 0 : partial ? Math.max(1, Math.round(fullOutput * random())) : fullOutput;
    const counted = !failure || partial;
    const tokens = counted ? { inputTokens, cachedInputTokens, outputTokens } : { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
    const upstreamPico = counted && prices ? upstreamCostPico(tokens, prices) : 0n;
    const billedPico = status === 'FAILED' ? 0n : applyRate(upstreamPico, route.rate);

    const speed = SPEED[route.offer.provider] ?? { ttftMs: 500, tokensPerSecond: 80 };
    const ttft = Math.round(logNormal(speed.ttftMs, 0.35) + inputTokens / 40);
    const generation = Math.round((outputTokens / speed.tokensPerSecond) * 1000 * logNormal(1, 0.2));
    const latencyMs = failureLatency(failure?.failureClass ?? null, between) ?? ttft + generation;
    const attempts = route.fallback ? 2 : failure && random() < 0.4 ? between(2, 3) : 1;

    records.push(
      settlementRow({
        requestId: randomUUID(),
        organizationId: project.organizationId,
        projectId: project.projectId,
        gatewayKeyId: project.gatewayKeyIds[Math.floor(random() * project.gatewayKeyIds.length)] as string,
        provider: route.offer.provider,
        model: route.pinned ? `${route.offer.provider}/${modelId}` : modelId,
        keySource: route.source,
        keyRef: route.keyRef,
        endpoint: DEMO_ENDPOINTS[n % DEMO_ENDPOINTS.length],
        tags: [...(project.tagSets[n % project.tagSets.length] ?? [])],
        endUser: project.endUsers[n % project.endUsers.length] ?? null,
        ...tokens,
        tokensEstimated: partial && random() < 0.5,
        upstreamCostPico: upstreamPico,
        billedCostPico: billedPico,
        costKnown: prices !== null,
        status,
        failureClass: failure?.failureClass ?? (cancelled ? 'CANCELLED' : null),
        httpStatus: failure?.httpStatus ?? (cancelled ? 499 : 200),
        errorMessage: failure?.message ?? (cancelled ? 'The client closed the connection' : null),
        latencyMs,
        ttftMs: stream && (!failure || partial) ? Math.min(ttft, latencyMs) : null,
        streamed: stream,
        attempts,
        routing: route.routing(status === 'SUCCESS' ? 'success' : (failure?.failureClass ?? 'CANCELLED').toLowerCase()),
        createdAt,
        // One fee policy in every mode (reserve.stage.ts): whatever bills more than nothing is debited.
        debitPico: billedPico,
        debitedAt: createdAt,
      }),
    );
  }
  return records.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

interface Route {
  offer: ModelOffer;
  source: KeySource;
  keyRef: string;
  rate: string;
  pinned: boolean;
  fallback: boolean;
  routing(outcome: string): Prisma.InputJsonValue;
}

/** Key source and provider as the gateway picks them (its own chooseKey), for the project's mode. */
function chooseRoute(
  project: DemoTrafficProject,
  modelId: string,
  offers: readonly ModelOffer[],
  random: () => number,
  options: DemoTrafficOptions,
): Route {
  // Only what chooseKey asks of the platform's keys: no secret is needed to pick a source.
  const platform = { legacy: (provider: string) => ({ provider, name: options.envKeyName(provider), secret: '' }) };
  const pool = { hasKeys: (provider: string) => options.poolKeyNames(provider).length > 0 };
  const context: KeyChoiceContext = {
    organizationId: project.organizationId,
    mode: project.mode,
    preferStoredKeys: false,
    hostedEnabled: project.hostedPool,
    userKey: null,
    byokKeys: new Map([...project.byok].map(([provider, id]) => [provider, { id, secret: '' }])),
  };
  const keyFor = (provider: string, ctx = context): { source: KeySource; keyRef: string } | null => {
    const choice = chooseKey(provider, ctx, platform, pool);
    if (!choice) return null;
    // The pool picks one of its keys for each attempt; usage names that key.
    if (choice.source !== 'hosted') return { source: choice.source, keyRef: choice.keyRef };
    const names = options.poolKeyNames(provider);
    return { source: 'hosted', keyRef: names[Math.floor(random() * names.length)] as string };
  };
  const candidates = offers.map((offer) => ({ offer, key: keyFor(offer.provider) }));
  const usable = candidates.filter((c) => c.key !== null);
  // Now and then a caller sends its own key in x-provider-api-key, naming one provider; the mode decides whether it counts.
  const pinned = offers[0] as ModelOffer;
  const callerKey = { provider: pinned.provider, secret: '', keyRef: demoCallerKeyRef(project.projectId) };
  const userChoice = usable.length === 0 || random() < 0.06 ? keyFor(pinned.provider, { ...context, userKey: callerKey }) : null;
  const userKey = userChoice?.source === 'user';
  const keyedFirst = project.mode === 'HYBRID' && usable.some((c) => c.key?.source === 'byok');
  const ranked = [...usable].sort((a, b) => {
    if (keyedFirst && (a.key?.source === 'byok') !== (b.key?.source === 'byok')) return a.key?.source === 'byok' ? -1 : 1;
    return (a.offer.price?.input ?? 0) - (b.offer.price?.input ?? 0);
  });
  const fallback = !userKey && ranked.length > 1 && random() < 0.03;
  const chosen = userKey ? { offer: pinned, key: userChoice } : (ranked[fallback ? 1 : 0] as (typeof ranked)[number]);
  const key = chosen.key as { source: KeySource; keyRef: string };
  const keyed = isKeyed(key.source);
  const why = userKey
    ? 'provider pinned by the request; caller supplied the key'
    : fallback
      ? `${ranked[0]?.offer.provider} was rate limited; fell back to the next candidate`
      : keyedFirst
        ? 'keyed providers first, then cheapest'
        : ranked.length > 1
          ? 'cheapest healthy candidate'
          : 'only candidate';
  return {
    offer: chosen.offer,
    source: key.source,
    keyRef: key.keyRef,
    rate: keyed ? project.byokFeeRate : project.hostedRate,
    pinned: userKey,
    fallback,
    routing: (outcome) => ({
      model: modelId,
      candidates: (userKey ? [chosen] : candidates).map((c) => ({
        provider: c.offer.provider,
        source: c.key?.source ?? null,
        keyRef: c.key?.keyRef ?? null,
        status: c.key ? 'ok' : 'no-key',
      })),
      order: userKey ? [chosen.offer.provider] : ranked.map((c) => c.offer.provider),
      why,
      attempts: [
        ...(fallback && ranked[0]?.key
          ? [{ provider: ranked[0].offer.provider, source: ranked[0].key.source, keyRef: ranked[0].key.keyRef, outcome: 'rate_limit' }]
          : []),
        { provider: chosen.offer.provider, source: key.source, keyRef: key.keyRef, outcome },
      ],
    }),
  };
}

/** A caller key's reference in the gateway's format (`user:` + 16 hex), one demo caller per project. */
function demoCallerKeyRef(projectId: string): string {
  return `user:${createHash('sha256').update(projectId).digest('hex').slice(0, 16)}`;
}

function failureLatency(failureClass: FailureClass | null, between: (low: number, high: number) => number): number | null {
  switch (failureClass) {
    case 'RATE_LIMIT':
    case 'QUOTA':
    case 'AUTH':
    case 'BAD_REQUEST':
      return between(60, 450);
    case 'UPSTREAM_ERROR':
      return between(300, 4_000);
    case 'TIMEOUT':
      return between(60_000, 61_500);
    case 'NETWORK':
      return between(20, 3_000);
    default:
      return null;
  }
}

/** A time in the window: busier on weekdays and UTC working hours, growing towards now. */
function sampleTime({ now, days, random }: DemoTrafficOptions): number {
  const span = days * 86_400_000;
  for (;;) {
    const at = now - random() * span;
    const date = new Date(at);
    const hour = date.getUTCHours();
    const weekday = date.getUTCDay() % 6 !== 0;
    const daytime = hour >= 7 && hour <= 19 ? 1 : hour >= 5 && hour <= 22 ? 0.55 : 0.2;
    const growth = 0.55 + 0.45 * (1 - (now - at) / span);
    if (random() < (weekday ? 1 : 0.45) * daytime * growth) return at;
  }
}
