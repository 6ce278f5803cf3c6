import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/test-database.js';
import { chat, createTenant, fakeKey, type GatewayEnv, startGatewayEnv, usageOf } from './support/tenant.js';

/**
 * Settlement and write-ahead batches carry many tenants' rows and succeed or fail as a whole.
 * Text PostgreSQL cannot hold (a NUL, an unpaired surrogate) in one tenant's model name or end
 * user made every batch it was in fail, retried forever: other tenants' usage records were never
 * written. It is now stored with U+FFFD in its place.
 */
describe.each(availableBackends())("one tenant's unstorable text on %s", (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend, { OPENAI_API_KEY: fakeKey('openai') });
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
});
