import { randomUUID } from 'node:crypto';
import type { TracingConfig } from '../config.js';
import type { Logger } from './logger.js';

/**
 * Request tracing, behind a tiny API the pipeline calls: a request span and one span per stage.
 * With OTLP export off (the default) every call lands on the shared no-op objects below and no
 * OpenTelemetry module is ever imported; on, `otel-tracing.ts` is loaded once at start-up.
 *
 * What goes on a span is the caller's rule (gateway/request-trace.ts): ids, names, statuses and
 * failure classes only — never a secret, never prompt or answer text, never an error message
 * (upstream messages can quote the prompt).
 */

/** The request's stages, one span each (`upstream` once per attempt). */
export type Stage = 'authenticate' | 'route' | 'reserve' | 'upstream' | 'respond' | 'settle';

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface StageSpan {
  set(attributes: SpanAttributes): void;
  /** The stage failed, for this reason (a failure class or error code, never a message). */
  fail(reason: string): void;
  /** Idempotent. */
  end(): void;
}

export interface RequestTrace {
  /** A stage span, child of the request span. */
  stage(stage: Stage, attributes?: SpanAttributes): StageSpan;
  /** Ends the request span with its final attributes (status, outcome, usage). */
  end(attributes: SpanAttributes, failure: string | null): void;
}

export interface RequestTraceStart {
  /** The request id; it becomes the trace id unless the caller sent a trace to join. */
  requestId: string;
  /** The span's name, e.g. `POST /v1/chat/completions`. */
  name: string;
  /** The caller's W3C `traceparent` header, if any. */
  traceparent: string | undefined;
  tracestate: string | undefined;
  attributes: SpanAttributes;
}

export interface Tracing {
  startRequest(start: RequestTraceStart): RequestTrace;
  /** Exports every ended span still queued, then stops. */
  shutdown(): Promise<void>;
}

const NO_SPAN: StageSpan = { set() {}, fail() {}, end() {} };
export const NO_TRACE: RequestTrace = { stage: () => NO_SPAN, end() {} };
export const TRACING_OFF: Tracing = { startRequest: () => NO_TRACE, shutdown: async () => {} };

/**
 * A new request id: 32 lowercase hex digits, which is a W3C trace id (a UUIDv4's 122 random bits
 * without its dashes, never all zeros), so the id a client gets is the trace id to search for.
 */
export function newRequestId(): string {
  return randomUUID().replaceAll('-', '');
}

/** OTLP export when configured, else the no-op; the OpenTelemetry SDK is imported only in the first case. */
export async function startTracing(config: TracingConfig | undefined, logger: Logger): Promise<Tracing> {
  if (!config) return TRACING_OFF;
  const { createOtelTracing } = await import('./otel-tracing.js');
  return createOtelTracing(config, logger);
}
