import { describe, expect, it } from 'vitest';
import { formatStages, stageDurations } from '../../bench/stage-timings.js';
import type { ReceivedSpan } from '../../tools/otlp-receiver/otlp-receiver.js';

/** A span as the receiver flattens it; times in ms since the epoch. */
function span(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  startMs: number,
  endMs: number,
  kind = 1,
): ReceivedSpan {
  return { service: 'keyplane', traceId, spanId, parentSpanId, name, kind, attributes: {}, status: {}, startMs, endMs, raw: '' };
}

/** One request's spans as keyplane exports them: the request span (SERVER) and its stages. */
function request(traceId: string, at: number, options: { callerParent?: string; retried?: boolean } = {}): ReceivedSpan[] {
  const root = `${traceId}-root`;
  const spans = [
    span(traceId, root, options.callerParent, 'POST /v1/chat/completions', at, at + 3, 2),
    span(traceId, 'a', root, 'authenticate', at + 0.1, at + 0.15),
    span(traceId, 'b', root, 'route', at + 0.15, at + 0.25),
    span(traceId, 'c', root, 'reserve', at + 0.25, at + 0.3),
    span(traceId, 'd', root, 'upstream', at + 1.3, at + 2.3),
    span(traceId, 'e', root, 'respond', at + 2.2, at + 2.35),
    span(traceId, 'f', root, 'settle', at + 2.4, at + 2.45),
  ];
  if (options.retried) spans.push(span(traceId, 'g', root, 'upstream', at + 2.3, at + 2.9));
  return spans;
}

describe('stage timings from request spans', () => {
  it('gives each stage, and the wait between reserve and the first upstream attempt, for requests started in the window', () => {
    const spans = [
      ...request('t1', 1_000),
      ...request('t2', 1_010, { callerParent: 'caller-span', retried: true }),
      // Started before the window: left out.
      ...request('t0', 900),
      // A stage of another request with the same name: not counted for t1.
      span('t3', 'x', 'elsewhere', 'upstream', 1_000, 1_050),
    ];
    const durations = stageDurations(spans, 950, 1_100);
    const at = (name: string) => durations.get(name)?.map((ms) => Number(ms.toFixed(3)));
    expect(at('request (authenticate → settled)')).toEqual([3, 3]);
    expect(at('authenticate')).toEqual([0.05, 0.05]);
    expect(at('key and write-ahead intent sent (reserve → upstream)')).toEqual([1, 1]);
    // The first attempt only, also when a second one followed.
    expect(at('upstream (first attempt: call and answer)')).toEqual([1, 1]);
    expect(at('settle')).toEqual([0.05, 0.05]);
    expect(formatStages(durations)).toMatch(
      /key and write-ahead intent sent \(reserve → upstream\)\s+2\s+1\.000\s+1\.000\s+1\.000\s+1\.00/,
    );
  });
});
