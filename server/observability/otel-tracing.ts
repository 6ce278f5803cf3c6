import {
  type Context,
  type Attributes as OtelAttributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  RandomIdGenerator,
} from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config.js';
import type { Logger } from './logger.js';
import type { RequestTrace, RequestTraceStart, SpanAttributes, Stage, StageSpan, Tracing } from './tracing.js';

/** Loaded only when OTLP export is configured (see tracing.ts); imports the OpenTelemetry SDK. */

/** Spans wait at most this many in memory; past it the batch processor drops new ones (never blocks a request). */
const MAX_QUEUED_SPANS = 8_192;
/** Tenant-controlled strings (the requested model) are cut to this length on spans. */
const MAX_ATTRIBUTE_LENGTH = 256;
/** At most one "export failed" line per this long: an unreachable collector must not flood the log. */
const EXPORT_ERROR_LOG_EVERY_MS = 60_000;

const STAGE_KIND: Record<Stage, SpanKind> = {
  authenticate: SpanKind.INTERNAL,
  route: SpanKind.INTERNAL,
  reserve: SpanKind.INTERNAL,
  upstream: SpanKind.CLIENT,
  respond: SpanKind.INTERNAL,
  settle: SpanKind.INTERNAL,
};

/**
 * The SDK asks for a root span's trace id synchronously inside `startSpan`: the request's id is
 * handed over just before, so a trace started here has the request id as its trace id.
 */
class RequestIdGenerator implements IdGenerator {
  next: string | null = null;
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    return this.next ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

const headerGetter: TextMapGetter<RequestTraceStart> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (start, key) => (key === 'traceparent' ? start.traceparent : key === 'tracestate' ? start.tracestate : undefined),
};

export function createOtelTracing(config: TracingConfig, logger: Logger): Tracing {
  let lastErrorLogAt = 0;
  // Export failures reach the SDK's global handler (otherwise silent); the error never holds span data.
  setGlobalErrorHandler((error) => {
    if (Date.now() - lastErrorLogAt < EXPORT_ERROR_LOG_EVERY_MS) return;
    lastErrorLogAt = Date.now();
    logger.warn({ err: error, tracesUrl: redactedUrl(config.tracesUrl) }, 'Exporting trace spans failed');
  });
  const ids = new RequestIdGenerator();
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl });
  // Queue bound and batching: OTEL_BSP_* variables still apply (the SDK reads them) over these defaults.
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: MAX_QUEUED_SPANS, maxExportBatchSize: 512 });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    idGenerator: ids,
    // Every request is recorded: a caller's "not sampled" flag must not hide requests from the operator.
    sampler: new AlwaysOnSampler(),
    spanLimits: { attributeValueLengthLimit: MAX_ATTRIBUTE_LENGTH },
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('keyplane');
  const propagator = new W3CTraceContextPropagator();
  logger.info({ tracesUrl: redactedUrl(config.tracesUrl), serviceName: config.serviceName }, 'Exporting request traces over OTLP');

  return {
    startRequest(start) {
      // A caller's traceparent makes this request a child of its span (in its trace); the request
      // id is still ours and only becomes the trace id of a trace this request starts.
      const parent = start.traceparent ? propagator.extract(ROOT_CONTEXT, start, headerGetter) : ROOT_CONTEXT;
      ids.next = start.requestId;
      let span: Span;
      try {
        span = tracer.startSpan(start.name, { kind: SpanKind.SERVER, attributes: clean(start.attributes), startTime: now() }, parent);
      } finally {
        ids.next = null;
      }
      return new OtelRequestTrace(tracer, span, trace.setSpan(ROOT_CONTEXT, span));
    },
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'Flushing trace spans at shutdown failed'));
    },
  };
}

class OtelRequestTrace implements RequestTrace {
  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly context: Context,
  ) {}

  stage(stage: Stage, attributes?: SpanAttributes): StageSpan {
    const options = { kind: STAGE_KIND[stage], startTime: now(), ...(attributes ? { attributes: clean(attributes) } : {}) };
    return new OtelStageSpan(this.tracer.startSpan(stage, options, this.context));
  }

  end(attributes: SpanAttributes, failure: string | null): void {
    this.span.setAttributes(clean(attributes));
    if (failure) this.span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    this.span.end(now());
  }
}

class OtelStageSpan implements StageSpan {
  private ended = false;

  constructor(private readonly span: Span) {}

  set(attributes: SpanAttributes): void {
    this.span.setAttributes(clean(attributes));
  }

  fail(reason: string): void {
    this.span.setAttribute('keyplane.failure_class', reason);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end(now());
  }
}

/**
 * Now, in ms since the epoch to the microsecond, on the monotonic clock: every span's start and
 * end are given from it. Left to itself the SDK starts each span at `Date.now()` (whole ms) and
 * times only its duration finely, so the gap between two spans (say, reserve's end and the
 * upstream call's start) was off by up to a millisecond.
 */
const now = () => performance.timeOrigin + performance.now();

/** Undefined values are left out (OTLP has no null). */
function clean(attributes: SpanAttributes): OtelAttributes {
  const out: OtelAttributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/** The collector URL for the log, without credentials or query (tokens sometimes ride there). */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
