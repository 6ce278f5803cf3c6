import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TOKEN_COUNT } from '../../server/providers/events.js';
import { startLoopbackServer } from '../support/loopback-server.js';
import { availableBackends } from '../support/test-database.js';
import { chat, createTenant, fakeKey, type GatewayEnv, startGatewayEnv, usageOf } from './support/tenant.js';

const SET_CUSTOM = 'mutation($i: SetCustomProviderInput!) { setCustomProvider(input: $i) { slug } }';

/** A tenant's own upstream answering a completion with usage counts no provider would send. */
const ABSURD_USAGE = JSON.stringify({
  id: 'chatcmpl-absurd',
  object: 'chat.completion',
  model: 'llama3',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1.5, completion_tokens: 1e12, prompt_tokens_details: { cached_tokens: -4 } },
});

/**
 * Settlement and write-ahead batches carry many tenants' rows and succeed or fail as a whole.
 * Text PostgreSQL cannot hold (a NUL, an unpaired surrogate) in one tenant's model name or end
 * user made every batch it was in fail, retried forever: other tenants' usage records were never
 * written. It is now stored with U+FFFD in its place.
 */
describe.each(availableBackends())("one tenant's unstorable text on %s", (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend, { OPENAI_API_KEY: fakeKey('openai'), KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true' });
  });
  afterAll(() => g?.close());

  it("does not stop another tenant's usage records, and is recorded storable", async () => {
    const hostile = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const victim = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    const [nulModel, lonelyUser, served] = await Promise.all([
      chat(g.t, hostile.secret, { model: 'gpt-4o-mini\u0000x' }),
      chat(g.t, hostile.secret, { model: 'gpt-4o-mini', user: 'user\ud800' }),
      chat(g.t, victim.secret, { model: 'gpt-4o-mini' }),
    ]);
    expect(served.status, served.text).toBe(200);
    expect((await usageOf(g.t, served.requestId)).status).toBe('SUCCESS');
    // The hostile tenant's own requests are on record too, with the text made storable.
    expect((await usageOf(g.t, nulModel.requestId)).model).toBe('gpt-4o-mini\ufffdx');
    expect(lonelyUser.status, lonelyUser.text).toBe(200);
    const recorded = await usageOf(g.t, lonelyUser.requestId);
    expect([recorded.status, recorded.endUser]).toEqual(['SUCCESS', 'user\ufffd']);
    expect(g.t.server.gateway.writer.pending).toBe(0);
  });

  it("a tenant's upstream reporting absurd token counts is recorded clamped, and does not stop another tenant's records", async () => {
    const upstream = await startLoopbackServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(ABSURD_USAGE));
    });
    try {
      const hostile = await createTenant(g.t, { mode: 'API_KEYS' });
      const victim = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
      const set = await g.t.gql(SET_CUSTOM, {
        i: { organizationId: hostile.organizationId, slug: 'lab', name: 'Lab', baseUrl: `${upstream.url}/v1`, models: ['llama3'] },
      });
      expect(set.errors).toBeUndefined();
      const [absurd, served] = await Promise.all([
        chat(g.t, hostile.secret, { model: 'lab/llama3' }),
        chat(g.t, victim.secret, { model: 'gpt-4o-mini' }),
      ]);
      expect(absurd.status, absurd.text).toBe(200);
      expect(served.status, served.text).toBe(200);
      expect((await usageOf(g.t, served.requestId)).status).toBe('SUCCESS');
      const recorded = await usageOf(g.t, absurd.requestId);
      // Whole, non-negative and within the record's 32-bit columns: 1.5 → 1, 1e12 → the largest, −4 → 0.
      expect([recorded.inputTokens, recorded.outputTokens, recorded.cachedInputTokens]).toEqual([1, MAX_TOKEN_COUNT, 0]);
      expect(g.t.server.gateway.writer.pending).toBe(0);
    } finally {
      await upstream.close();
    }
  });
});
