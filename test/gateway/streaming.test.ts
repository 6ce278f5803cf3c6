import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOffer } from '../../shared/catalog.js';
import {
  chat,
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  pico,
  sleep,
  sseData,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from './support/tenant.js';

const POOL = { OPENAI_API_KEY_1: fakeKey('openai', 'streamA'), OPENAI_API_KEY_2: fakeKey('openai', 'streamB') };
type KeyName = keyof typeof POOL;
const ANTHROPIC_KEY = fakeKey('anthropic');
const TOOLS = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

/** The JSON frames of an SSE body (without `[DONE]`). */
const frames = (text: string) =>
  sseData(text)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as any);

/**
 * A streamed request the client reads until `marker` has arrived, then abandons: its usage
 * record once settled. The upstream sends a chunk every 150 ms, so the client leaves mid-stream.
 */
async function cancelAfter(
  g: GatewayEnv,
  request: { path: string; headers: Record<string, string>; body: Record<string, unknown> },
  marker: string,
) {
  const abort = new AbortController();
  const response = await fetch(`${g.t.url}${request.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'Hi' }], ...request.body }),
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const requestId = response.headers.get('x-keyplane-request-id') as string;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let seen = '';
  while (!seen.includes(marker)) seen += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  await reader.cancel().catch(() => {});
  const usage = await usageOf(g.t, requestId);
  g.sim.clearKeyBehaviors();
  return { requestId, usage };
}

describe('streaming', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', {
      ...POOL,
      HOSTED_KEY_LLM: 'true',
      UPSTREAM_TIMEOUT_MS: '500',
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(() => g?.close());

  /** Pool keys in the order the next request will try them (least recently used first). */
  async function lruOrder(): Promise<KeyName[]> {
    const names = Object.keys(POOL) as KeyName[];
    const states = await g.t.server.gateway.state.keyStates(names);
    return names.sort((a, b) => (states.get(a)?.lastUsedAt ?? 0) - (states.get(b)?.lastUsedAt ?? 0));
  }

  it('relays OpenAI chunks ending with [DONE]; no usage chunk unless asked, yet usage is recorded', async () => {
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream: true });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(result.keySource).toBe('hosted');
    expect(sseData(result.text).at(-1)).toBe('[DONE]');
    const chunks = frames(result.text);
    for (const chunk of chunks)
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', id: expect.any(String), model: 'gpt-4o-mini' });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello! How can I help you today?');
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    // The gateway asked OpenAI for usage itself.
    expect((g.sim.requests.at(-1)?.body as any)?.stream_options).toEqual({ include_usage: true });
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({
      streamed: true,
      status: 'SUCCESS',
      inputTokens: 25,
      cachedInputTokens: 10,
      outputTokens: 9,
      tokensEstimated: false,
    });
    expect(usage.ttftMs).not.toBeNull();
  });

  it.each(['gpt-4o-mini', 'claude-haiku-4-5'])(
    '%s: a usage chunk when the client asks with stream_options.include_usage',
    async (model) => {
      const result = await chat(g.t, tenant.secret, { model, stream: true, stream_options: { include_usage: true } });
      expect(result.status).toBe(200);
      const chunks = frames(result.text);
      const withUsage = chunks.filter((c) => c.usage);
      expect(withUsage).toHaveLength(1);
      expect(withUsage[0]).toMatchObject({
        choices: [],
        usage: { prompt_tokens: 25, completion_tokens: 9, total_tokens: 34, prompt_tokens_details: { cached_tokens: 10 } },
      });
      expect(chunks.at(-1)).toBe(withUsage[0]);
      expect(sseData(result.text).at(-1)).toBe('[DONE]');
    },
  );

  it.each(['gpt-4o-mini', 'claude-haiku-4-5'])('%s: streams tool calls', async (model) => {
    const result = await chat(g.t, tenant.secret, { model, stream: true, tools: TOOLS });
    expect(result.status).toBe(200);
    const chunks = frames(result.text);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.find((c: any) => c.function?.name)?.function.name).toBe('get_weather');
    expect(JSON.parse(calls.map((c: any) => c.function?.arguments ?? '').join(''))).toEqual({ city: 'Paris' });
    expect(chunks.findLast((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ inputTokens: 80, outputTokens: 18, status: 'SUCCESS' });
  });

  it('an upstream cut mid-stream ends with an SSE error frame; FAILED/STREAM_INTERRUPTED, estimated tokens, not billed', async () => {
    for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, { kind: 'cut', afterChunks: 4 });
    const before = g.sim.requests.length;
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream: true });
    g.sim.clearKeyBehaviors();
    expect(result.status).toBe(200);
    expect(g.sim.requests.length - before).toBe(1); // no silent retry after the first byte
    const data = sseData(result.text);
    expect(data).not.toContain('[DONE]');
    const last = JSON.parse(data.at(-1) as string);
    expect(last.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code: expect.any(String) });
    expect(frames(result.text).some((c) => c.choices?.[0]?.delta?.content === 'Hello')).toBe(true);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED', tokensEstimated: true });
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(pico(usage.billedCostUsd)).toBe(0n);
    expect(await g.t.server.db.prisma.creditLedgerEntry.count({ where: { requestId: result.requestId } })).toBe(0);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each([false, true])('an upstream cut before anything reached the client (stream: %s) is retried on another key', async (stream) => {
    const [first, second] = await lruOrder();
    g.sim.setKeyBehavior(POOL[first as KeyName], { kind: 'cut', afterChunks: 0, times: 1 });
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream });
    expect(result.status, result.text).toBe(200);
    if (stream) expect(sseData(result.text).at(-1)).toBe('[DONE]');
    else expect(result.json.choices[0].message.content).toBe('Hello! How can I help you today?');
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'SUCCESS', keyRef: second, attempts: 2, outputTokens: 9 });
  });

  it('a client that cancels mid-stream: CANCELLED, billed for what was generated', async () => {
    for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, { kind: 'slow', chunkDelayMs: 150 });
    const chatRequest = { path: '/v1/chat/completions', headers: { authorization: `Bearer ${tenant.secret}` } };
    const { requestId, usage } = await cancelAfter(g, { ...chatRequest, body: { model: 'gpt-4o-mini' } }, 'Hello');
    expect(usage).toMatchObject({ status: 'CANCELLED', failureClass: 'CANCELLED', streamed: true, tokensEstimated: true });
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeLessThan(9);
    expect(pico(usage.billedCostUsd)).toBeGreaterThan(0n);
    expect(pico(usage.billedCostUsd)).toBe(pico(usage.upstreamCostUsd)); // HOSTED_COST_MULTIPLIER defaults to 1
    const ledger = await g.t.server.db.prisma.creditLedgerEntry.findMany({ where: { requestId } });
    expect(ledger.map((e) => pico(e.amountUsd))).toEqual([-pico(usage.billedCostUsd)]);
    // Cancelling is the client's doing, not a key failure.
    const states = await g.t.server.gateway.state.keyStates(Object.keys(POOL));
    for (const state of states.values()) expect([state.disabled, state.cooldownUntil > Date.now()]).toEqual([false, false]);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a client that cancels an Anthropic stream pays for the text relayed, not the 1 output token message_start reports', async () => {
    g.sim.setKeyBehavior(ANTHROPIC_KEY, { kind: 'slow', chunkDelayMs: 150 });
    const chatRequest = { path: '/v1/chat/completions', headers: { authorization: `Bearer ${tenant.secret}` } };
    const { usage } = await cancelAfter(g, { ...chatRequest, body: { model: 'claude-haiku-4-5' } }, ' can');
    // "Hello! How can" went out (14 characters): at least 4 tokens, where message_start said 1.
    expect(usage).toMatchObject({ status: 'CANCELLED', provider: 'anthropic', inputTokens: 25, tokensEstimated: true });
    expect(usage.outputTokens).toBeGreaterThanOrEqual(4);
    expect(usage.outputTokens).toBeLessThan(9);
    expect(pico(usage.billedCostUsd)).toBeGreaterThan(0n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it('a client that cancels a /v1/messages stream (passed through as it is) pays for the text relayed too', async () => {
    g.sim.setKeyBehavior(ANTHROPIC_KEY, { kind: 'slow', chunkDelayMs: 150 });
    const headers = { 'x-api-key': tenant.secret, 'anthropic-version': '2023-06-01' };
    const body = { model: 'claude-haiku-4-5', max_tokens: 100 };
    const { usage } = await cancelAfter(g, { path: '/v1/messages', headers, body }, ' can');
    expect(usage).toMatchObject({ status: 'CANCELLED', provider: 'anthropic', endpoint: 'anthropic-messages', tokensEstimated: true });
    expect(usage.outputTokens).toBeGreaterThanOrEqual(4);
    expect(pico(usage.billedCostUsd)).toBeGreaterThan(0n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });

  it.each([false, true])(
    'a client that leaves before the first byte (stream: %s): CANCELLED, no retry, no key penalty, no output billed',
    async (stream) => {
      const [first] = await lruOrder();
      g.sim.setKeyBehavior(POOL[first as KeyName], { kind: 'hang', times: 1 });
      const before = g.sim.requests.length;
      const abort = new AbortController();
      const pending = fetch(`${g.t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Hi' }] }),
        signal: abort.signal,
      }).catch((error: unknown) => error);
      while (g.sim.requests.length === before) await sleep(10);
      const abortedAt = Date.now();
      abort.abort();
      expect(await pending).toBeInstanceOf(Error);
      await sleep(700); // past UPSTREAM_TIMEOUT_MS: a retry, if any, would have happened
      expect(g.sim.requests.length - before).toBe(1);
      // The upstream call was cancelled with the client, not left to hang until UPSTREAM_TIMEOUT_MS (500 ms).
      const abandonedAt = g.sim.requests.at(-1)?.abandonedAt;
      expect(abandonedAt).toBeDefined();
      expect((abandonedAt as number) - abortedAt).toBeLessThan(400);
      await g.t.server.gateway.writer.flush();
      const row = await g.t.server.db.prisma.usageRecord.findFirstOrThrow({
        where: { projectId: tenant.projectId },
        orderBy: { createdAt: 'desc' },
      });
      expect(row).toMatchObject({ status: 'CANCELLED', failureClass: 'CANCELLED', attempts: 1, keyRef: first, outputTokens: 0 });
      // The prompt reached the provider: at most its (estimated) input is billed, never output.
      const price = findOffer('openai', 'gpt-4o-mini')?.offer.price as { input: number };
      expect(pico(row.billedCostUsd)).toBe(BigInt(row.inputTokens) * BigInt(Math.round(price.input * 1e6)));
      const [state] = (await g.t.server.gateway.state.keyStates([first as string])).values();
      expect([state?.disabled, (state?.cooldownUntil ?? 0) > Date.now()]).toEqual([false, false]);
      await expectLedgerConsistent(g.t, tenant.organizationId);
    },
  );

  it.each([false, true])(
    'an upstream hanging past UPSTREAM_TIMEOUT_MS (stream: %s) is a TIMEOUT, retried on another key',
    async (stream) => {
      const [first, second] = await lruOrder();
      g.sim.setKeyBehavior(POOL[first as KeyName], { kind: 'hang', times: 1 });
      const started = Date.now();
      const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream });
      expect(result.status, result.text).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      const usage = await usageOf(g.t, result.requestId);
      expect(usage).toMatchObject({ status: 'SUCCESS', keyRef: second, attempts: 2 });
      expect(usage.routing).toMatchObject({
        attempts: [
          { keyRef: first, outcome: 'TIMEOUT' },
          { keyRef: second, outcome: 'ok' },
        ],
      });
    },
  );

  it('a stream that stalls past UPSTREAM_TIMEOUT_MS after the first byte ends with an error frame', async () => {
    // undici checks body timeouts on a coarse (~1 s) timer: stall well past UPSTREAM_TIMEOUT_MS.
    for (const secret of Object.values(POOL)) g.sim.setKeyBehavior(secret, { kind: 'slow', chunkDelayMs: 2_000 });
    const result = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream: true });
    g.sim.clearKeyBehaviors();
    expect(result.status).toBe(200);
    expect(JSON.parse(sseData(result.text).at(-1) as string).error).toBeDefined();
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED', attempts: 1 });
    expect(pico(usage.billedCostUsd)).toBe(0n);
    await sleep(50);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});
