/**
 * Per-stage timings from keyplane's own request spans. keyplane exports them over OTLP/HTTP
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`) to a receiver in the probe's process, and the probe reports
 * each stage's percentiles over its measured window. These are the spans operators get
 * (server/gateway/request-trace.ts), so no patched build is needed. Exporting them costs
 * keyplane's process CPU of its own: read the split between stages from such a run, and the
 * added latency and CPU from a run without it.
 */
import { type ReceivedSpan, startOtlpReceiver } from '../tools/otlp-receiver/otlp-receiver.js';
import { percentiles } from './load.js';
import { onCleanup, sleep } from './processes.js';

/** OTLP's SPAN_KIND_SERVER: the request span (its stages are its children). */
const SERVER_KIND = 2;

export interface StageTimings {
  /** keyplane's environment: where to export, and a short batch delay so the last spans arrive soon. */
  env: Record<string, string>;
  /** The stages of requests that started within `[fromMs, toMs]` (epoch ms), as a table. */
  report(fromMs: number, toMs: number): Promise<string>;
}

/** The receiver, closed with the probe's other cleanups. */
export async function startStageTimings(): Promise<StageTimings> {
  const receiver = await startOtlpReceiver();
  onCleanup(() => receiver.close());
  return {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    async report(fromMs, toMs) {
      await settled(receiver.spans);
      return formatStages(stageDurations(receiver.spans, fromMs, toMs));
    },
  };
}

/** Waits until no span has arrived for 1 s (at most 10 s): the batches queued at the end are in. */
async function settled(spans: readonly ReceivedSpan[]): Promise<void> {
  let seen = -1;
  for (let waited = 0; waited < 10_000 && spans.length !== seen; waited += 1_000) {
    seen = spans.length;
    await sleep(1_000);
  }
}

type Durations = Map<string, number[]>;

/**
 * Each request's stages, in ms: the stage spans themselves (the first upstream attempt's), and
 * the gap between the end of `reserve` and the start of `upstream`, where the attempt's key is
 * taken and the request waits for its write-ahead intent to be sent (before 2026-12-02: committed).
 */
export function stageDurations(spans: readonly ReceivedSpan[], fromMs: number, toMs: number): Durations {
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const trace = byTrace.get(span.traceId);
    if (trace) trace.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const out: Durations = new Map();
  const add = (name: string, ms: number) => {
    if (!Number.isFinite(ms)) return;
    const list = out.get(name);
    if (list) list.push(ms);
    else out.set(name, [ms]);
  };
  for (const trace of byTrace.values()) {
    const request = trace.find((span) => span.kind === SERVER_KIND);
    if (!request || request.startMs < fromMs || request.startMs > toMs) continue;
    // Each stage's first span under this request (the first upstream attempt, when it retried).
    const stages = new Map<string, ReceivedSpan>();
    for (const span of [...trace].sort(byStart)) {
      if (span.parentSpanId === request.spanId && !stages.has(span.name)) stages.set(span.name, span);
    }
    const took = (span: ReceivedSpan | undefined) => (span ? span.endMs - span.startMs : Number.NaN);
    add('request (authenticate → settled)', took(request));
    for (const name of ['authenticate', 'route', 'reserve']) add(name, took(stages.get(name)));
    const reserve = stages.get('reserve');
    const upstream = stages.get('upstream');
    if (reserve && upstream) add('key and write-ahead intent sent (reserve → upstream)', upstream.startMs - reserve.endMs);
    add('upstream (first attempt: call and answer)', took(upstream));
    for (const name of ['respond', 'settle']) add(name, took(stages.get(name)));
  }
  return out;
}

const byStart = (a: ReceivedSpan, b: ReceivedSpan) => a.startMs - b.startMs;

export function formatStages(durations: Durations): string {
  const rows = [...durations].map(([name, values]) => {
    const { p50, p90, p99, max } = percentiles(values);
    const cells = [p50, p90, p99].map((ms) => ms.toFixed(3).padStart(8));
    return `  ${name.padEnd(50)} ${String(values.length).padStart(6)} ${cells.join(' ')} ${max.toFixed(2).padStart(8)}`;
  });
  return [`stages (keyplane's request spans), ms${' '.repeat(18)}requests      p50      p90      p99      max`, ...rows].join('\n');
}
