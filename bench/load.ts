/**
 * Load generators. `fixedRate`: one undici keep-alive Pool, requests started on a fixed schedule
 * (not in a closed loop, so a slow server cannot slow the offered load), hrtime per request,
 * time to first body byte and to the end. `flatOut`: autocannon, N connections as fast as they go.
 */
import { createRequire } from 'node:module';
import { Pool } from 'undici';

export interface Target {
  /** Origin, e.g. http://127.0.0.1:4900 */
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** Requests take these in turn, each over `headers` (many tenants' keys). */
  rotate?: Record<string, string>[];
  /** Send an agent's request of about this many KB (chatBody) instead of the two short messages. */
  bodyKb?: number;
}

export interface FixedRateResult {
  sent: number;
  ok: number;
  errors: number;
  /** Still unanswered 10 s after the schedule ended (the server fell behind): abandoned, not failed. */
  unfinished: number;
  /** First few distinct error descriptions. */
  errorSamples: string[];
  achievedRate: number;
  /** ms, over the measured (post-warm-up) requests. */
  total: Percentiles;
  firstByte: Percentiles;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentiles(values: Float64Array | number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

export function chatBody(stream: boolean, bodyKb = 0): string {
  if (bodyKb > 0) return agentBody(stream, bodyKb);
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say hello in one short sentence.' },
    ],
    ...(stream ? { stream: true } : {}),
  });
}

/**
 * A coding agent's turn, about `kb` KB: a long system prompt, twenty tools with JSON schemas,
 * and the conversation so far — code with quotes, backslashes and newlines, tool calls and their
 * results — as Claude Code and Codex send every turn (100–200 KB once a session has run a while).
 */
function agentBody(stream: boolean, kb: number): string {
  const code = 'function add(a, b) {\n  return a + b; // "sum"\n}\n';
  const tools = Array.from({ length: 20 }, (_, i) => ({
    type: 'function',
    function: {
      name: `tool_${i}`,
      description: `Tool ${i}: ${'Reads and edits files in the workspace; paths are relative to the root. '.repeat(12)}`,
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'The file, relative to the workspace root.' },
          edits: {
            type: 'array',
            items: { type: 'object', properties: { old: { type: 'string' }, new: { type: 'string' } }, required: ['old', 'new'] },
          },
        },
        required: ['path'],
      },
    },
  }));
  const messages: Record<string, unknown>[] = [{ role: 'system', content: 'You are a coding agent. '.repeat(200) }];
  for (let turn = 0; JSON.stringify({ messages, tools }).length < kb * 1024; turn += 1) {
    messages.push({ role: 'user', content: `Step ${turn}: fix the function below.\n${code.repeat(40)}` });
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `call_${turn}`,
          type: 'function',
          function: { name: 'tool_1', arguments: JSON.stringify({ path: 'src/a.js', edits: [{ old: 'a + b', new: 'b + a' }] }) },
        },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: `call_${turn}`, content: code.repeat(20) });
  }
  return JSON.stringify({ model: 'gpt-4o-mini', messages, tools, ...(stream ? { stream: true } : {}) });
}

/**
 * `rate` requests per second for `warmupMs + durationMs`; only requests started after the
 * warm-up are measured. Bounded: stops scheduling at the end and waits at most 10 s for stragglers.
 */
export async function fixedRate(
  target: Target,
  options: { rate: number; durationMs: number; warmupMs: number; stream: boolean },
): Promise<FixedRateResult> {
  const pool = new Pool(target.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
  const body = chatBody(options.stream, target.bodyKb);
  const headers = { 'content-type': 'application/json', ...target.headers };
  const headerSets = (target.rotate ?? [{}]).map((extra) => ({ ...headers, ...extra }));
  const totalRequests = Math.round((options.rate * (options.warmupMs + options.durationMs)) / 1000);
  const warmupRequests = Math.round((options.rate * options.warmupMs) / 1000);
  const measured = Math.max(0, totalRequests - warmupRequests);
  const totals = new Float64Array(measured);
  const firsts = new Float64Array(measured);
  let recorded = 0;
  let ok = 0;
  let errors = 0;
  let unfinished = 0;
  const errorSamples = new Set<string>();
  const intervalNs = 1e9 / options.rate;
  const pending = new Set<Promise<void>>();

  const fire = (index: number) => {
    const started = process.hrtime.bigint();
    const promise = (async () => {
      let first = 0n;
      try {
        const res = await pool.request({ method: 'POST', path: target.path, headers: headerSets[index % headerSets.length], body });
        for await (const chunk of res.body) {
          if (first === 0n && (chunk as Buffer).length > 0) first = process.hrtime.bigint();
        }
        const ended = process.hrtime.bigint();
        if (res.statusCode !== 200) {
          errors++;
          if (errorSamples.size < 3) errorSamples.add(`HTTP ${res.statusCode}`);
          return;
        }
        ok++;
        if (index >= warmupRequests) {
          totals[recorded] = Number(ended - started) / 1e6;
          firsts[recorded] = Number((first || ended) - started) / 1e6;
          recorded++;
        }
      } catch (error) {
        if (error instanceof Error && error.name === 'ClientDestroyedError') {
          unfinished++;
          return;
        }
        errors++;
        if (errorSamples.size < 3) errorSamples.add(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    })();
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  };

  const begin = process.hrtime.bigint();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = Number(process.hrtime.bigint() - begin);
      while (sent < totalRequests && sent * intervalNs <= elapsed) fire(sent++);
      if (sent < totalRequests) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const scheduleEnd = process.hrtime.bigint();
  await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  await pool.destroy();
  const seconds = Number(scheduleEnd - begin) / 1e9;
  return {
    sent,
    ok,
    errors,
    unfinished,
    errorSamples: [...errorSamples],
    achievedRate: sent / seconds,
    total: percentiles(totals.subarray(0, recorded)),
    firstByte: percentiles(firsts.subarray(0, recorded)),
  };
}

export interface FlatOutResult {
  /** Successful (2xx) responses per second. */
  rps: number;
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Requests written to a socket (some may not have reached the server when the run ended). */
  sent: number;
  latencyP50: number;
  latencyP99: number;
  seconds: number;
}

interface AutocannonResult {
  requests: { total: number; sent: number; average: number };
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** autocannon with `connections` keep-alive connections for `seconds` (non-streaming requests). */
export async function flatOut(target: Target, options: { connections: number; seconds: number; stream?: boolean }): Promise<FlatOutResult> {
  const headers = { 'content-type': 'application/json', ...target.headers };
  const body = chatBody(options.stream ?? false, target.bodyKb);
  const result = await autocannon({
    url: target.origin + target.path,
    method: 'POST',
    headers,
    body,
    // Each connection walks the keys in turn.
    ...(target.rotate
      ? { requests: target.rotate.map((extra) => ({ method: 'POST', path: target.path, headers: { ...headers, ...extra }, body })) }
      : {}),
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 10,
  });
  const seconds = result.duration || options.seconds;
  return {
    rps: result['2xx'] / seconds,
    completed: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    sent: result.requests.sent,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    seconds,
  };
}
