import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../server/providers/adapter.js';
import { parseChatRequest } from '../../server/providers/canonical-request.js';
import { type ClassifiedFailure, classifyTransportError } from '../../server/providers/classify-failure.js';
import type { ProviderEvent } from '../../server/providers/events.js';
import { getProvider, resolveBaseUrl } from '../../server/providers/registry.js';
import type { ProviderId } from '../../shared/catalog.js';
import { findOffer, PROVIDER_IDS } from '../../shared/catalog.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { collect, lastUsage, textOf } from '../support/provider-fixtures.js';

let sim: UpstreamSimulator;
beforeAll(async () => {
  sim = await startUpstreamSimulator();
});
afterAll(() => sim.close());

const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

/** One upstream attempt the way the gateway makes it: build, call with undici, parse or classify. */
async function call(
  provider: ProviderId,
  options: { stream: boolean; apiKey?: string; tools?: boolean; timeoutMs?: number },
): Promise<{ events: ProviderEvent[] } | { failure: ClassifiedFailure }> {
  const registration = getProvider(provider)!;
  const adapter: ProviderAdapter = registration.adapter;
  const parsed = parseChatRequest({
    model: 'x',
    messages: [{ role: 'user', content: 'Hi' }],
    ...(options.tools ? { tools: TOOLS } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const upstream = adapter.buildRequest(parsed.value, {
    baseUrl: resolveBaseUrl(registration, sim.env()),
    apiKey: options.apiKey ?? `key-${provider}`,
    upstreamModel: 'some-model',
    stream: options.stream,
  });
  try {
    const res = await request(upstream.url, {
      method: 'POST',
      headers: upstream.headers,
      body: upstream.body,
      headersTimeout: options.timeoutMs ?? 10_000,
    });
    if (res.statusCode >= 400) {
      return { failure: adapter.classifyError({ status: res.statusCode, body: await res.body.text(), headers: res.headers }) };
    }
    if (options.stream) return { events: await collect(adapter.parseStream(res.body)) };
    return { events: adapter.parseResponse(await res.body.json()) };
  } catch (error) {
    return { failure: classifyTransportError(error) };
  }
}

function events(result: Awaited<ReturnType<typeof call>>): ProviderEvent[] {
  if ('failure' in result) throw new Error(`unexpected failure ${JSON.stringify(result.failure)}`);
  return result.events;
}

const CACHED: Record<ProviderId, number> = {
  openai: 10,
  anthropic: 10,
  google: 10,
  deepseek: 10,
  together: 10,
  fireworks: 10,
  groq: 0,
  mistral: 0,
};

describe.each(PROVIDER_IDS)('%s adapter ↔ simulator over HTTP', (provider) => {
  it.each([false, true])('answers text (stream: %s) with deterministic usage', async (stream) => {
    const result = events(await call(provider, { stream }));
    expect(textOf(result)).toBe('Hello! How can I help you today?');
    expect(lastUsage(result)).toEqual({ type: 'usage', inputTokens: 25, cachedInputTokens: CACHED[provider], outputTokens: 9 });
    expect(result).toContainEqual({ type: 'finish', reason: 'stop' });
    expect(result.some((e) => e.type === 'error')).toBe(false);
    const received = sim.requests.filter((r) => r.apiKey === `key-${provider}` && r.stream === stream).at(-1);
    expect(received?.provider).toBe(provider);
  });

  it('answers tool calls when tools are offered', async () => {
    if (provider === 'groq' || provider === 'mistral' || provider === 'deepseek') return; // text-only fixtures
    const result = events(await call(provider, { stream: true, tools: true }));
    const args = result.map((e) => (e.type === 'tool-call-delta' ? e.argumentsDelta : '')).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(result).toContainEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('classifies per-key failures from the provider error shapes', async () => {
    const cases = [
      ['unauthorized', 'AUTH'],
      ['rate-limit', 'RATE_LIMIT'],
      ['quota', 'QUOTA'],
      ['server-error', 'UPSTREAM_ERROR'],
    ] as const;
    for (const [kind, expected] of cases) {
      const apiKey = `${provider}-${kind}`;
      sim.setKeyBehavior(apiKey, kind === 'rate-limit' ? { kind, retryAfterSeconds: 2 } : { kind });
      const result = await call(provider, { stream: false, apiKey });
      expect('failure' in result && result.failure.failureClass, `${provider} ${kind}`).toBe(expected);
      if (kind === 'rate-limit' && 'failure' in result) expect(result.failure.retryAfterMs).toBe(2000);
    }
  });

  it('reports a stream cut mid-way as STREAM_INTERRUPTED after the first events', async () => {
    const apiKey = `${provider}-cut`;
    sim.setKeyBehavior(apiKey, { kind: 'cut', afterChunks: 2 });
    const result = events(await call(provider, { stream: true, apiKey }));
    expect(result.at(-1)).toMatchObject({ type: 'error', failureClass: 'STREAM_INTERRUPTED' });
    expect(result.some((e) => e.type === 'start')).toBe(true);
  });
});

describe('transport failures', () => {
  it('classifies a hanging upstream as TIMEOUT', async () => {
    sim.setKeyBehavior('hang-key', { kind: 'hang' });
    const result = await call('openai', { stream: false, apiKey: 'hang-key', timeoutMs: 200 });
    expect('failure' in result && result.failure.failureClass).toBe('TIMEOUT');
  });

  it('classifies a refused connection as NETWORK', async () => {
    const closed = await startUpstreamSimulator();
    const url = closed.baseUrl('openai');
    await closed.close();
    const parsed = parseChatRequest({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] });
    if (!parsed.ok) throw new Error(parsed.message);
    const upstream = getProvider('openai')!.adapter.buildRequest(parsed.value, {
      baseUrl: url,
      apiKey: 'k',
      upstreamModel: 'm',
      stream: false,
    });
    const error = await request(upstream.url, { method: 'POST', body: upstream.body }).catch((e: unknown) => e);
    expect(classifyTransportError(error).failureClass).toBe('NETWORK');
  });

  it('prices the simulated usage deterministically from the catalog', async () => {
    const usage = lastUsage(events(await call('deepseek', { stream: true })));
    const price = findOffer('deepseek', 'deepseek-v3')?.offer.price;
    if (!usage || !price || price.cachedInput === null) throw new Error('missing usage or price');
    const microUsd =
      (usage.inputTokens - usage.cachedInputTokens) * price.input +
      usage.cachedInputTokens * price.cachedInput +
      usage.outputTokens * price.output;
    expect(Math.round(microUsd * 1000) / 1000).toBe(15 * 0.28 + 10 * 0.028 + 9 * 0.42);
  });
});
