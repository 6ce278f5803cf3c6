import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../server/gateway/endpoints.js';
import { chooseKey, type KeyChoiceContext } from '../../../server/gateway/keys/key-choice.js';
import { ProviderHealth } from '../../../server/gateway/routing/provider-health.js';
import { type RoutableOffer, Router } from '../../../server/gateway/routing/router.js';
import { type FakeClock, fakeClock, policyWorld } from '../keys/policy-fixtures.js';

const ENDPOINT = { baseUrl: 'http://upstream.test' } as Endpoint;
const offer = (provider: string, input: number, output = input): RoutableOffer => ({
  provider,
  providerModel: `${provider}-model`,
  prices: {
    rates: { input, cachedInput: null, cacheWrite: null, cacheWrite1h: null, output, webSearch: null },
    source: 'test',
    readOn: '2026-11-30',
  },
  maxOutputTokens: null,
  endpoint: ENDPOINT,
});
// openai is cheapest, anthropic next, google dearest.
const OFFERS = [offer('google', 30), offer('anthropic', 20), offer('openai', 10)];
const ENV = { OPENAI_API_KEY: 'sk-env', GOOGLE_API_KEY_1: 'AIza-pool', ANTHROPIC_API_KEY: 'sk-ant-env' };

function world(clock: FakeClock = fakeClock()) {
  const { platform, state, pool } = policyWorld(ENV, clock);
  const health = new ProviderHealth(clock.now);
  const router = new Router(state, pool, health, clock.now);
  const route = (ctx: Partial<KeyChoiceContext> = {}, offers = OFFERS) => {
    const full: KeyChoiceContext = {
      organizationId: 'org1',
      mode: 'HYBRID',
      preferStoredKeys: false,
      hostedEnabled: true,
      userKey: null,
      byokKeys: new Map(),
      ...ctx,
    };
    return router.route({
      modelId: 'm',
      offers,
      hybrid: full.mode === 'HYBRID',
      chooseKey: (provider) => chooseKey(provider, full, platform, pool),
      queues: () => false,
    });
  };
  return { route, state, health, clock };
}

const order = (result: Awaited<ReturnType<ReturnType<typeof world>['route']>>) =>
  result.ok ? result.candidates.map((c) => `${c.provider}:${c.key.source}`) : result.reason;

describe('Router (pure: in-memory state, fake clock)', () => {
  it('without HYBRID orders healthy candidates cheapest first', async () => {
    const { route } = world();
    expect(order(await route({ mode: 'CREDITS' }))).toEqual(['openai:env', 'anthropic:env', 'google:hosted']);
  });

  it('HYBRID puts keyed providers (user, byok) first, each group cheapest first', async () => {
    const { route } = world();
    const byok = new Map([
      ['google', { id: 'pk-g', secret: 'AIza-byok' }],
      ['anthropic', { id: 'pk-a', secret: 'sk-ant-byok' }],
    ]);
    expect(order(await route({ byokKeys: byok }))).toEqual(['anthropic:byok', 'google:byok', 'openai:env']);
  });

  it('filters cooling and disabled keys before preferring keyed ones, so a limited BYOK key falls back to platform keys', async () => {
    const { route, state, clock } = world();
    const byok = new Map([['google', { id: 'pk-g', secret: 'AIza-byok' }]]);
    const first = await route({ byokKeys: byok });
    expect(order(first)).toEqual(['google:byok', 'openai:env', 'anthropic:env']);
    const stateKey = first.ok ? first.candidates[0]?.key.stateKey : null;
    await state.setCooldown(stateKey as string, clock.now() + 3_000);
    await state.setDisabled('OPENAI_API_KEY', true, 'revoked');
    const fallback = await route({ byokKeys: byok });
    expect(order(fallback)).toEqual(['anthropic:env']);
    expect(fallback.decision.candidates.map((c) => [c.provider, c.status])).toEqual([
      ['google', 'cooling-down'],
      ['anthropic', 'ok'],
      ['openai', 'disabled'],
    ]);
    clock.advance(3_000);
    expect(order(await route({ byokKeys: byok }))).toEqual(['google:byok', 'anthropic:env']);
  });

  it('refuses with the soonest retry when every candidate is cooling, and says when no key source exists', async () => {
    const { route, state, clock } = world();
    await state.setCooldown('OPENAI_API_KEY', clock.now() + 4_000);
    await state.setCooldown('ANTHROPIC_API_KEY', clock.now() + 9_000);
    await state.setCooldown('GOOGLE_API_KEY_1', clock.now() + 2_000);
    const refused = await route({ mode: 'CREDITS' });
    expect(refused).toMatchObject({ ok: false, reason: 'unavailable', retryAfterMs: 2_000 });
    expect(refused.decision.candidates.find((c) => c.provider === 'google')?.status).toBe('pool-unavailable');
    const none = await route({ mode: 'API_KEYS' });
    expect(none).toMatchObject({ ok: false, reason: 'no-key', retryAfterMs: null });
    expect(none.decision.candidates.every((c) => c.status === 'no-key')).toBe(true);
  });

  it('steps around a provider with low uptime, but still tries it when it is the only one', async () => {
    const { route, health } = world();
    for (let i = 0; i < 6; i += 1) health.record('openai', false);
    expect(order(await route({ mode: 'CREDITS' }))).toEqual(['anthropic:env', 'google:hosted']);
    const onlyOpenai = await route({ mode: 'CREDITS' }, [offer('openai', 10)]);
    expect(order(onlyOpenai)).toEqual(['openai:env']);
    expect(onlyOpenai.decision.candidates[0]?.status).toBe('unhealthy');
  });

  it('unpriced offers sort last', async () => {
    const { route } = world();
    const unpriced = { ...offer('openai', 0), prices: null };
    expect(order(await route({ mode: 'CREDITS' }, [unpriced, offer('anthropic', 50)]))).toEqual(['anthropic:env', 'openai:env']);
  });
});
