import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITER } from '../../../server/domain/provider-settings/limiter-setting.js';
import { policyWorld } from './policy-fixtures.js';

const POOL_ENV = { OPENAI_API_KEY_1: 'sk-a', OPENAI_API_KEY_2: 'sk-b', OPENAI_API_KEY_3: 'sk-c' };

describe('hosted key pool (in-memory state, fake clock)', () => {
  it('hands out the least recently used key, round robin', async () => {
    const { pool, clock } = policyWorld(POOL_ENV);
    const names: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const acquired = await pool.acquire('openai', 'org1', DEFAULT_LIMITER);
      if (!acquired.ok) throw new Error(acquired.reason);
      names.push(acquired.key.name);
      clock.advance(10);
    }
    expect(names).toEqual([
      'OPENAI_API_KEY_1',
      'OPENAI_API_KEY_2',
      'OPENAI_API_KEY_3',
      'OPENAI_API_KEY_1',
      'OPENAI_API_KEY_2',
      'OPENAI_API_KEY_3',
    ]);
  });

  it('skips cooling, disabled and excluded keys; a cooled key comes back when its time is up', async () => {
    const { pool, state, clock } = policyWorld(POOL_ENV);
    await state.setCooldown('OPENAI_API_KEY_1', clock.now() + 1_000);
    await state.setDisabled('OPENAI_API_KEY_2', true, 'revoked');
    const first = await pool.acquire('openai', 'org1', DEFAULT_LIMITER);
    expect(first.ok && first.key.name).toBe('OPENAI_API_KEY_3');
    const excluded = await pool.acquire('openai', 'org1', DEFAULT_LIMITER, new Set(['OPENAI_API_KEY_3']));
    expect(excluded).toEqual({ ok: false, reason: 'unavailable', retryAfterMs: 1_000 });
    clock.advance(1_000);
    const back = await pool.acquire('openai', 'org1', DEFAULT_LIMITER, new Set(['OPENAI_API_KEY_3']));
    expect(back.ok && back.key.name).toBe('OPENAI_API_KEY_1');
  });

  it('availability: available, or when the soonest cooling key returns; disabled keys never return', async () => {
    const { pool, state, clock } = policyWorld(POOL_ENV);
    expect(await pool.availability('openai')).toEqual({ available: true, retryAfterMs: null });
    await state.setCooldown('OPENAI_API_KEY_1', clock.now() + 5_000);
    await state.setCooldown('OPENAI_API_KEY_2', clock.now() + 2_000);
    await state.setDisabled('OPENAI_API_KEY_3', true, 'revoked');
    expect(await pool.availability('openai')).toEqual({ available: false, retryAfterMs: 2_000 });
    clock.advance(2_000);
    expect(await pool.availability('openai')).toEqual({ available: true, retryAfterMs: null });
  });

  it('an empty pool says so; PER_ORGANIZATION counts per organization', async () => {
    const { pool } = policyWorld(POOL_ENV);
    expect(pool.hasKeys('anthropic')).toBe(false);
    expect(await pool.acquire('anthropic', 'org1', DEFAULT_LIMITER)).toEqual({ ok: false, reason: 'empty', retryAfterMs: null });
    const perOrg = { ...DEFAULT_LIMITER, mode: 'PER_ORGANIZATION' as const, requestsPerMinute: 1 };
    expect((await pool.acquire('openai', 'org1', perOrg)).ok).toBe(true);
    const refused = await pool.acquire('openai', 'org1', perOrg);
    expect(refused).toMatchObject({ ok: false, reason: 'organization_limit' });
    expect((await pool.acquire('openai', 'org2', perOrg)).ok).toBe(true);
  });
});
