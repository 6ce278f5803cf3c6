import type { Prisma } from '../../db/generated/client.js';
import type { Metrics } from '../../observability/metrics.js';
import { estimateTokens } from '../billing/estimate.js';
import { applyRate, picoToDecimal, upstreamCostPico } from '../billing/pricing.js';
import type { CreditLeases } from '../billing/credit-leases.js';
import type { SettlementWriter } from '../billing/settlement-writer.js';
import type { RequestRun } from '../request-run.js';

/**
 * Settle once, whatever way the request ended: cost, billed cost, credits, budget, the usage
 * record and metrics. Runs after the response, so none of it slows the client.
 */
export function settle(run: RequestRun, writer: SettlementWriter, leases: CreditLeases, metrics: Metrics): void {
  if (!run.organizationId || !run.projectId || !run.gatewayKeyId) return; // never authenticated: nothing to bill
  const reachedUpstream = run.attempts > 0;
  const tokens = reachedUpstream ? countTokens(run) : null;
  const costKnown = run.prices !== null || !tokens;
  const upstreamPico = tokens && run.prices ? upstreamCostPico(tokens, run.prices) : 0n;
  // A stream the upstream broke is not billed; a client that cancelled pays for what was generated.
  const billable = run.status === 'SUCCESS' || run.status === 'CANCELLED';
  const billedPico = billable ? applyRate(upstreamPico, run.billingRate) : 0n;
  const reservation = run.reservation;
  const credits = reservation?.credits ?? null;
  const debitPico = credits ? billedPico : 0n;
  if (credits) leases.settle(credits.lease, credits.pico, debitPico);

  const usage: Prisma.UsageRecordCreateManyInput = {
    requestId: run.requestId,
    organizationId: run.organizationId,
    projectId: run.projectId,
    gatewayKeyId: run.gatewayKeyId,
    provider: run.provider,
    model: run.model,
    keySource: run.keySource,
    keyRef: run.keyRef,
    inputTokens: tokens?.inputTokens ?? 0,
    cachedInputTokens: tokens?.cachedInputTokens ?? 0,
    outputTokens: tokens?.outputTokens ?? 0,
    tokensEstimated: tokens?.estimated ?? false,
    upstreamCostUsd: picoToDecimal(upstreamPico),
    billedCostUsd: picoToDecimal(billedPico),
    costKnown,
    status: run.status,
    failureClass: run.failureClass,
    httpStatus: run.httpStatus,
    errorMessage: run.errorMessage,
    latencyMs: run.latencyMs(),
    ttftMs: run.firstTokenAt ? run.firstTokenAt - run.startedAt : null,
    streamed: run.stream,
    attempts: run.attempts,
    ...(run.routing ? { routing: run.routing as unknown as Prisma.InputJsonValue } : {}),
    createdAt: new Date(run.startedAt),
  };
  writer.enqueue({
    usage,
    organizationId: run.organizationId,
    debitPico,
    leaseId: credits?.lease.id ?? null,
    budget: reservation?.budget ? { ...reservation.budget, reservedPico: reservation.budget.pico, spentPico: billedPico } : null,
  });

  const provider = run.provider ?? 'none';
  // Label by the model routing resolved, never the raw request string: clients can send any
  // text as `model`, and each distinct label value is a new series held forever.
  const model = run.routing?.model ?? 'unknown';
  metrics.requests.inc({ provider, model, status: run.status, key_source: run.keySource ?? 'none' });
  metrics.requestDuration.observe({ provider, status: run.status }, run.latencyMs() / 1000);
  if (run.keySource === 'hosted' && run.keyRef && run.status !== 'FAILED') {
    metrics.hostedKeyUsed.inc({ provider, key_name: run.keyRef });
    metrics.hostedKeyCost.inc({ provider, key_name: run.keyRef }, Number(billedPico) / 1e12);
  }
  if (run.status === 'SUCCESS' && !costKnown) metrics.unpricedCalls.inc({ provider, model });
}

/** Provider-reported usage where there is some; otherwise an estimate from the text seen. */
function countTokens(run: RequestRun) {
  if (run.usage) return { ...run.usage, estimated: false };
  if (run.outputChars === 0 && run.status === 'FAILED') return null;
  return { inputTokens: estimateTokens(run.inputChars), cachedInputTokens: 0, outputTokens: estimateTokens(run.outputChars), estimated: true };
}
