/**
 * Per-stage timings from keyplane's own request spans. keyplane exports them over OTLP/HTTP
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`) to a receiver in the probe's process, and the probe reports
 * each stage's percentiles over its measured window. These are the spans operators get
 * (server/gateway/request-trace.ts), so no patched build is needed. Exporting them costs
 * keyplane's process CPU of its own: read the split between stages from such a run, and the
 * added latency and CPU from a run without it.
 */
import { type ReceivedSpan, startOtlpReceiver } from '../tools/otlp-receiver/otlp-receiver.js';
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
 * taken and the request waits for its write-ahead intent to be committed.
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
    const stage = (name: string) => trace.filter((span) => span.name === name && span.parentSpanId === request.spanId).sort(byStart)[0];
    add('request (authenticate → settled)', request.endMs - request.startMs);
    for (const name of ['authenticate', 'route', 'reserve']) {
      const span = stage(name);
      if (span) add(name, span.endMs - span.startMs);
    }
    const reserve = stage('reserve');
    const upstream = stage('upstream');
    if (reserve && upstream) add('key and write-ahead intent (reserve → upstream)', upstream.startMs - reserve.endMs);
    for (const name of ['upstream', 'respond', 'settle']) {
      const span = stage(name);
      if (span) add(name === 'upstream' ? 'upstream (first attempt: call and answer)' : name, span.endMs - span.startMs);
    }
  }
  return out;
}

const byStart = (a: ReceivedSpan, b: ReceivedSpan) => a.startMs - b.startMs;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

export function formatStages(durations: Durations): string {
  const rows = [...durations].map(([name, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const cells = [0.5, 0.9, 0.99].map((p) => percentile(sorted, p).toFixed(3).padStart(8));
    return `  ${name.padEnd(50)} ${String(sorted.length).padStart(6)} ${cells.join(' ')} ${(sorted.at(-1) ?? Number.NaN).toFixed(2).padStart(8)}`;
  });
  return [`stages (keyplane's request spans), ms${' '.repeat(18)}requests      p50      p90      p99      max`, ...rows].join('\n');
}
