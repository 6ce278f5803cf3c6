import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTA_COOLDOWN_MS, DEFAULT_RATE_LIMIT_COOLDOWN_MS, keyVerdict } from '../../../server/gateway/keys/cooldown-policy.js';
import { FAILURE_CLASSES } from '../../../shared/domain.js';

const NOW = 1_000_000;

describe('keyVerdict: what a failure does to the key', () => {
  it('a rate limit rests the key for Retry-After, else the default', () => {
    expect(keyVerdict('RATE_LIMIT', 2_000, NOW)).toEqual({ action: 'cooldown', untilMs: NOW + 2_000 });
    expect(keyVerdict('RATE_LIMIT', undefined, NOW)).toEqual({ action: 'cooldown', untilMs: NOW + DEFAULT_RATE_LIMIT_COOLDOWN_MS });
  });

  it('exhausted quota rests it at least the quota default, longer if the upstream says so', () => {
    expect(keyVerdict('QUOTA', undefined, NOW)).toEqual({ action: 'cooldown', untilMs: NOW + DEFAULT_QUOTA_COOLDOWN_MS });
    expect(keyVerdict('QUOTA', 1_000, NOW)).toEqual({ action: 'cooldown', untilMs: NOW + DEFAULT_QUOTA_COOLDOWN_MS });
    const long = DEFAULT_QUOTA_COOLDOWN_MS * 2;
    expect(keyVerdict('QUOTA', long, NOW)).toEqual({ action: 'cooldown', untilMs: NOW + long });
  });

  it('an auth failure disables the key; every other class leaves it alone', () => {
    expect(keyVerdict('AUTH', undefined, NOW)).toMatchObject({ action: 'disable', reason: expect.stringContaining('rejected') });
    for (const failure of FAILURE_CLASSES.filter((c) => !['RATE_LIMIT', 'QUOTA', 'AUTH'].includes(c))) {
      expect(keyVerdict(failure, 5_000, NOW), failure).toEqual({ action: 'none' });
    }
  });
});
