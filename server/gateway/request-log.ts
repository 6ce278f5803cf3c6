import type { Logger } from '../observability/logger.js';
import type { RequestRun } from './request-run.js';

/**
 * The one `info` line each gateway request leaves once its answer is written: who (gateway key
 * id), what (model, provider, key source), how it ended (HTTP status, outcome, failure class),
 * how long and how many tokens. Fastify's own request logging is off, so this is the only line.
 * Never a secret or a prompt: no key, no keyRef, no message text.
 */
export function logRequest(logger: Logger, run: RequestRun, method: string, path: string): void {
  if (!logger.isLevelEnabled('info')) return;
  const durationMs = Math.round(Number(process.hrtime.bigint() - run.startedHr) / 1e5) / 10;
  const fields: Record<string, unknown> = {
    requestId: run.requestId,
    gatewayKeyId: run.gatewayKeyId,
    model: run.model || null,
    provider: run.provider,
    keySource: run.keySource,
    status: run.httpStatus,
    outcome: run.status,
    failureClass: run.failureClass,
    durationMs,
    stream: run.stream,
    attempts: run.attempts,
    inputTokens: run.usage?.inputTokens ?? null,
    cachedInputTokens: run.usage?.cachedInputTokens ?? null,
    outputTokens: run.usage?.outputTokens ?? null,
  };
  // What a translation left out, and why: a client that wonders where its thinking or top_k went can look here.
  // (Added after, not spread in: a conditional spread makes every request's object the slow way.)
  if (run.dropped.length > 0 && !run.passedThrough) fields.droppedFromRequest = run.dropped;
  const route = run.provider ? ` ${run.provider}:${run.keySource ?? '-'}` : '';
  logger.info(fields, `${method} ${path} ${run.httpStatus} ${run.model || '-'}${route} ${durationMs} ms`);
}
