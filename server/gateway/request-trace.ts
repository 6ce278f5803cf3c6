import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { Stage, StageSpan, Tracing } from '../observability/tracing.js';
import { GatewayError } from './gateway-error.js';
import type { RequestRun } from './request-run.js';
import type { RouteCandidate } from './routing/router.js';

/**
 * What a gateway request puts on its spans — the one place that decides it. Ids, names, the
 * provider and model, the key's source and name (a key's reference on usage records: an env
 * variable's name, a stored key's id, a caller key's keyed hash — never the key), statuses,
 * failure classes and token counts. Never a secret, prompt or answer text, or an error message.
 */

/** Opens the request span; its trace id is the request id unless the caller's `traceparent` names a trace to join. */
export function startRequestTrace(tracing: Tracing, run: RequestRun, request: FastifyRequest): void {
  const path = request.url.split('?')[0] ?? request.url;
  run.trace = tracing.startRequest({
    requestId: run.requestId,
    name: `${request.method} ${path}`,
    traceparent: singleHeader(request.headers.traceparent),
    tracestate: singleHeader(request.headers.tracestate),
    attributes: {
      'http.request.method': request.method,
      'url.path': path,
      'keyplane.request_id': run.requestId,
      'keyplane.front_door': run.frontDoor,
    },
  });
}

/** Runs one stage inside its span: ended when it settles, failed (with the error's class or code) when it throws. */
export async function tracedStage<T>(run: RequestRun, stage: Stage, work: (span: StageSpan) => Promise<T>): Promise<T> {
  const span = run.trace.stage(stage);
  try {
    return await work(span);
  } catch (error) {
    span.fail(failureOf(error));
    throw error;
  } finally {
    span.end();
  }
}

/** One upstream attempt: where it went and with which key (by name). */
export function attemptAttributes(run: RequestRun, candidate: RouteCandidate, keyRef: string) {
  return {
    'keyplane.attempt': run.attempts,
    'keyplane.provider': candidate.provider,
    'gen_ai.request.model': candidate.providerModel,
    'keyplane.key.source': candidate.key.source,
    'keyplane.key.name': keyRef,
  };
}

/** Ends the request span once the request is settled: who, what, and how it ended. */
export function endRequestTrace(run: RequestRun): void {
  run.trace.end(
    {
      'http.response.status_code': run.httpStatus,
      'keyplane.organization.id': run.organizationId ?? undefined,
      'keyplane.project.id': run.projectId ?? undefined,
      'keyplane.gateway_key.id': run.gatewayKeyId ?? undefined,
      // The model as routing resolved it; the raw request string only when routing never ran.
      'gen_ai.request.model': run.routing?.model ?? (run.model ? run.model.slice(0, 100) : undefined),
      'keyplane.provider': run.provider ?? undefined,
      'keyplane.key.source': run.keySource ?? undefined,
      'keyplane.stream': run.stream,
      'keyplane.attempts': run.attempts,
      'keyplane.status': run.status,
      'keyplane.failure_class': run.failureClass ?? undefined,
      'gen_ai.usage.input_tokens': run.usage?.inputTokens,
      'gen_ai.usage.output_tokens': run.usage?.outputTokens,
    },
    run.status === 'SUCCESS' ? null : (run.failureClass ?? run.status),
  );
}

function failureOf(error: unknown): string {
  if (error instanceof GatewayError) return error.options.failureClass ?? error.code;
  if (error instanceof DomainError) return error.code;
  return 'INTERNAL';
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
