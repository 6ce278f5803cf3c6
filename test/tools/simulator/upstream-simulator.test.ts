import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../../tools/simulator/upstream-simulator.js';

const started: UpstreamSimulator[] = [];
async function sim(options?: Parameters<typeof startUpstreamSimulator>[0]) {
  const s = await startUpstreamSimulator(options);
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

const chat = (stream = false) => JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Hi' }] });
async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('upstream simulator', () => {
  it('starts on distinct ephemeral ports and gives base URLs per provider', async () => {
    const [a, b] = await Promise.all([sim(), sim()]);
    expect(a.port).not.toBe(b.port);
    expect(a.baseUrl('groq')).toBe(`${a.url}/groq/openai/v1`);
    expect(a.baseUrls.anthropic).toBe(`${a.url}/anthropic`);
    expect(a.env().GOOGLE_BASE_URL).toBe(`${a.url}/google`);
    expect(a.baseUrl('custom')).toBe(`${a.url}/custom/v1`);
  });

  it('speaks bare real paths too and records requests', async () => {
    const s = await sim();
    const openai = await post(`${s.url}/v1/chat/completions`, chat(), { authorization: 'Bearer sk-1' });
    expect(openai.status).toBe(200);
    expect(JSON.parse(openai.text)).toMatchObject({ object: 'chat.completion' });
    const anthropic = await post(`${s.url}/v1/messages`, JSON.stringify({ model: 'c', max_tokens: 5, messages: [], stream: true }), {
      'x-api-key': 'ak',
    });
    expect(anthropic.headers['content-type']).toContain('text/event-stream');
    expect(anthropic.text).toContain('event: message_stop');
    const gemini = await post(`${s.url}/v1beta/models/gemini-2.5-flash:generateContent?key=gk`, JSON.stringify({ contents: [] }));
    expect(JSON.parse(gemini.text)).toHaveProperty('usageMetadata');
    expect(s.requests.map((r) => [r.provider, r.wire, r.apiKey, r.stream])).toEqual([
      ['openai', 'openai-compatible', 'sk-1', false],
      ['anthropic', 'anthropic', 'ak', true],
      ['google', 'google', 'gk', false],
    ]);
    expect(s.requests[0]?.body).toMatchObject({ model: 'gpt-4o-mini' });
    expect(s.requests.map((r) => r.model)).toEqual(['gpt-4o-mini', 'c', 'gemini-2.5-flash']);
    expect(s.requests[1]?.headers['x-api-key']).toBe('ak');
    expect(s.requests[2]?.query).toEqual({ key: 'gk' });
    s.clearRequests();
    expect(s.requests).toHaveLength(0);
  });

  it('answers unknown routes with 404', async () => {
    const s = await sim();
    expect((await post(`${s.url}/v2/whatever`, '{}')).status).toBe(404);
  });

  it('takes per-key behaviours over HTTP and honours `times`', async () => {
    const s = await sim();
    const set = await post(
      `${s.url}/__sim/keys`,
      JSON.stringify({ apiKey: 'k1', behavior: { kind: 'rate-limit', retryAfterSeconds: 5, times: 1 } }),
    );
    expect(set.status).toBe(200);
    const first = await post(`${s.baseUrl('openai')}/chat/completions`, chat(), { authorization: 'Bearer k1' });
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('5');
    expect(JSON.parse(first.text).error.code).toBe('rate_limit_exceeded');
    const second = await post(`${s.baseUrl('openai')}/chat/completions`, chat(), { authorization: 'Bearer k1' });
    expect(second.status).toBe(200);
    const listed = await request(`${s.url}/__sim/requests`);
    expect((await listed.body.json()) as unknown[]).toHaveLength(2);
  });

  it('answers with each provider’s own error shape', async () => {
    const s = await sim();
    s.setKeyBehavior('bad', { kind: 'unauthorized' });
    const anthropic = await post(`${s.baseUrl('anthropic')}/v1/messages`, '{}', { 'x-api-key': 'bad' });
    expect(anthropic.status).toBe(401);
    expect(JSON.parse(anthropic.text)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const gemini = await post(`${s.baseUrl('google')}/v1beta/models/g:generateContent`, '{}', { 'x-goog-api-key': 'bad' });
    expect(JSON.parse(gemini.text).error.details[0].reason).toBe('API_KEY_INVALID');
    const mistral = await post(`${s.baseUrl('mistral')}/chat/completions`, chat(), { authorization: 'Bearer bad' });
    expect(JSON.parse(mistral.text)).toEqual({ message: 'Unauthorized', request_id: expect.any(String) });
    s.clearKeyBehaviors();
    expect((await post(`${s.baseUrl('openai')}/chat/completions`, chat(), { authorization: 'Bearer bad' })).status).toBe(200);
  });

  it('drips slowly when told to', async () => {
    const s = await sim();
    s.setKeyBehavior('slow', { kind: 'slow', chunkDelayMs: 15 });
    const started = performance.now();
    const res = await post(`${s.baseUrl('openai')}/chat/completions`, chat(true), { authorization: 'Bearer slow' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(12 * 15 * 0.8);
    expect(res.text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('cuts a stream after N chunks by destroying the socket', async () => {
    const s = await sim();
    s.setKeyBehavior('cut', { kind: 'cut', afterChunks: 3 });
    const res = await request(`${s.baseUrl('openai')}/chat/completions`, {
      method: 'POST',
      body: chat(true),
      headers: { authorization: 'Bearer cut' },
    });
    let received = '';
    const read = async () => {
      for await (const chunk of res.body) received += (chunk as Buffer).toString();
    };
    await expect(read()).rejects.toThrow();
    expect(received.match(/^data: /gm)).toHaveLength(3);
  });

  it('closes even with a hanging request open', async () => {
    const s = await sim();
    s.setKeyBehavior('hang', { kind: 'hang' });
    const pending = request(`${s.baseUrl('openai')}/chat/completions`, {
      method: 'POST',
      body: chat(),
      headers: { authorization: 'Bearer hang' },
    }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    started.splice(started.indexOf(s), 1);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('fast mode answers without recording', async () => {
    const s = await sim({ fast: true });
    const res = await post(`${s.baseUrl('groq')}/chat/completions`, chat(true), { authorization: 'Bearer f' });
    expect(res.text).toContain('x_groq');
    expect(res.text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(s.requests).toHaveLength(0);
  });
});
