import { knownModelName } from '../../../shared/catalog/model-ref.js';
import { isProviderId } from '../../../shared/catalog/providers.js';
import { applyRate } from '../../../shared/money.js';
import type { Metrics } from '../../observability/metrics.js';
import { estimateTokens } from '../billing/estimate.js';
import type { Leases } from '../billing/leases.js';
import { priceCall } from '../billing/pricing.js';
import { settlementRow } from '../billing/settlement-row.js';
import type { SettlementWriter } from '../billing/settlement-writer.js';
import type { RequestRun } from '../request-run.js';

/**
 * Settle once, whatever way the request ended: cost, billed cost, credits, budget, the usage
 * record and metrics. Runs after the response, so none of it slows the client.
 */
export function settle(run: RequestRun, writer: SettlementWriter, leases: Leases, metrics: Metrics): void {
  if (!run.organizationId || !run.projectId || !run.gatewayKeyId) return; // never authenticated: nothing to bill
  const reachedUpstream = run.attempts > 0;
  const tokens = reachedUpstream ? countTokens(run) : null;
  const costKnown = run.prices !== null || !tokens;
  // The record keeps the rates it was billed at: a later price change never changes this bill.
  const priced = tokens && run.prices ? priceCall(tokens, run.prices.rates) : null;
  const upstreamPico = priced?.costPico ?? 0n;
  // A stream the upstream broke is not billed; a client that cancelled pays for what was generated.
  const billable = run.status === 'SUCCESS' || run.status === 'CANCELLED';
  const billedPico = billable ? applyRate(upstreamPico, run.billingRate) : 0n;
  const reservation = run.reservation;
  const credits = reservation?.credits ?? null;
  const debitPico = run.creditDebit(billedPico);
  if (credits) leases.settle(credits.lease, credits.pico, debitPico);
  const budget = reservation?.budget ?? null;
  for (const lease of budget?.leases ?? []) leases.settle(lease, budget?.pico ?? 0n, billedPico);

  writer.enqueue(
    settlementRow({
      requestId: run.requestId,
      organizationId: run.organizationId,
      projectId: run.projectId,
      gatewayKeyId: run.gatewayKeyId,
      provider: run.provider,
      model: run.model,
      endpoint: run.frontDoor,
      tags: run.tags,
      endUser: run.endUser,
      keySource: run.keySource,
      keyRef: run.keyRef,
      inputTokens: tokens?.inputTokens ?? 0,
      cachedInputTokens: tokens?.cachedInputTokens ?? 0,
      cacheWriteTokens: tokens?.cacheWriteTokens ?? 0,
      cacheWrite1hTokens: tokens?.cacheWrite1hTokens ?? 0,
      outputTokens: tokens?.outputTokens ?? 0,
      reasoningTokens: tokens?.reasoningTokens ?? 0,
      webSearches: tokens?.webSearches ?? 0,
      tokensEstimated: tokens?.estimated ?? false,
      upstreamCostPico: upstreamPico,
      billedCostPico: billedPico,
      costKnown,
      unitPrices: priced?.unitPrices ?? null,
      priceSource: priced && run.prices ? run.prices.source : null,
      status: run.status,
      failureClass: run.failureClass,
      httpStatus: run.httpStatus,
      errorMessage: run.errorMessage,
      latencyMs: run.latencyMs(),
      ttftMs: run.firstTokenAt ? run.firstTokenAt - run.startedAt : null,
      streamed: run.stream,
      attempts: run.attempts,
      // Tools a translation left out (e.g. Responses' web_search) are part of how the request was served.
      routing:
        run.routing && run.droppedTools.length > 0 && !run.passedThrough ? { ...run.routing, droppedTools: run.droppedTools } : run.routing,
      createdAt: new Date(run.startedAt),
      debitPico,
      leaseId: credits?.lease.id ?? null,
      budget: budget
        ? { budgets: budget.budgets, leaseIds: budget.leases.map((lease) => lease.id), reservedPico: budget.pico, spentPico: billedPico }
        : null,
    }),
  );

  // Labels come from bounded sets, never from what a tenant names: each distinct value is a new
  // series held forever. Built-in providers by id (custom providers, whose slugs tenants choose,
  // as "custom"); models by their known name, any other (an open provider/<name>, a custom
  // provider's model, an alias) as "other".
  const provider = run.provider === null ? 'none' : isProviderId(run.provider) ? run.provider : 'custom';
  const model = run.routing ? (knownModelName(run.routing.model) ?? 'other') : 'unknown';
  metrics.requests.inc({ provider, model, status: run.status, key_source: run.keySource ?? 'none' });
  metrics.requestDuration.observe({ provider, status: run.status }, run.latencyMs() / 1000);
  if (run.keySource === 'hosted' && run.keyRef && run.status !== 'FAILED') {
    metrics.hostedKeyUsed.inc({ provider, key_name: run.keyRef });
    metrics.hostedKeyCost.inc({ provider, key_name: run.keyRef }, Number(billedPico) / 1e12);
  }
  if (run.status === 'SUCCESS' && !costKnown) metrics.unpricedCalls.inc({ provider, model });
}

/** Failures after which the provider had the prompt: it stalled or broke off while answering. */
const PROMPT_READ: ReadonlySet<string> = new Set(['TIMEOUT', 'STREAM_INTERRUPTED']);

/**
 * Provider-reported usage where there is some; otherwise an estimate from the text seen. A
 * stalled or cut stream carries the estimated input even with no output: the provider read the
 * prompt, and the record must say what the platform paid for.
 */
function countTokens(run: RequestRun) {
  const promptRead = run.failureClass !== null && PROMPT_READ.has(run.failureClass);
  const usage = run.usage;
  if (usage) {
    const inputReported = usage.inputTokens > 0 || !promptRead;
    // An answer that did not end normally (client gone, stream cut or stalled) has only the usage
    // reported before its end — Anthropic's message_start says 1 output token — while the text
    // relayed since was generated all the same: that text's estimate is the least it is billed.
    // A completed answer's final usage is billed as reported.
    const outputFloor = run.status === 'SUCCESS' ? 0 : estimateTokens(run.outputChars);
    const outputReported = usage.outputTokens >= outputFloor;
    return counted(
      usage,
      inputReported ? usage.inputTokens : estimateTokens(run.inputChars),
      outputReported ? usage.outputTokens : outputFloor,
      !inputReported || !outputReported,
      run.webSearchesSeen,
    );
  }
  if (run.outputChars === 0 && run.status === 'FAILED' && !promptRead) return null;
  const inputTokens = estimateTokens(run.inputChars);
  const outputTokens = estimateTokens(run.outputChars);
  return counted({ inputTokens, cachedInputTokens: 0, outputTokens }, inputTokens, outputTokens, true, run.webSearchesSeen);
}

/**
 * The provider's counts with input and output settled on, written out: spreading them was most of
 * settlement's own time. Searches: as reported, or as many as the stream showed if more (its
 * final usage never came).
 */
function counted(
  usage: NonNullable<RequestRun['usage']>,
  inputTokens: number,
  outputTokens: number,
  estimated: boolean,
  webSearchesSeen: number,
) {
  return {
    inputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens,
    outputTokens,
    reasoningTokens: usage.reasoningTokens,
    webSearches: Math.max(usage.webSearches ?? 0, webSearchesSeen),
    estimated,
  };
}
