import { describe, expect, it } from 'vitest';
import { keyStatus, keyStatusView } from '../../server/state/key-state-names.js';
import { AVAILABLE, type KeyState } from '../../server/state/state-store.js';

const NOW = 1_700_000_000_000;
const state = (patch: Partial<KeyState>): KeyState => ({ ...AVAILABLE, ...patch });

describe('keyStatus: available / cooling down / disabled from a KeyState and a clock', () => {
  it('a key with no state, or a fresh one, is available', () => {
    expect(keyStatus(undefined, NOW)).toBe('AVAILABLE');
    expect(keyStatus(AVAILABLE, NOW)).toBe('AVAILABLE');
  });

  it('a cooldown still running means cooling down; one that ended (or ends now) means available', () => {
    expect(keyStatus(state({ cooldownUntil: NOW + 1 }), NOW)).toBe('COOLING_DOWN');
    expect(keyStatus(state({ cooldownUntil: NOW }), NOW)).toBe('AVAILABLE');
    expect(keyStatus(state({ cooldownUntil: NOW - 1 }), NOW)).toBe('AVAILABLE');
  });

  it('disabled wins over a running cooldown', () => {
    expect(keyStatus(state({ disabled: true, disabledReason: 'auth', cooldownUntil: NOW + 60_000 }), NOW)).toBe('DISABLED');
  });

  it('the control-plane view shows a running cooldown end and the reason only while disabled', () => {
    expect(keyStatusView(state({ cooldownUntil: NOW + 5_000 }), NOW)).toEqual({
      status: 'COOLING_DOWN',
      cooldownUntil: new Date(NOW + 5_000),
      disabledReason: null,
    });
    expect(keyStatusView(state({ cooldownUntil: NOW - 5_000, disabledReason: 'stale' }), NOW)).toEqual({
      status: 'AVAILABLE',
      cooldownUntil: null,
      disabledReason: null,
    });
    expect(
      keyStatusView(state({ disabled: true, disabledReason: 'The provider rejected the key', cooldownUntil: NOW + 5_000 }), NOW),
    ).toEqual({
      status: 'DISABLED',
      cooldownUntil: new Date(NOW + 5_000),
      disabledReason: 'The provider rejected the key',
    });
  });
});
