import { describe, expect, it } from 'vitest';
import { providerKeyStatus } from '../../web/src/features/organizations/model/provider-key-status.js';

describe('providerKeyStatus', () => {
  it('shows nothing for a key in service', () => {
    expect(providerKeyStatus({ status: 'AVAILABLE', disabledReason: null, cooldownUntil: null })).toEqual({
      label: null,
      detail: null,
      canEnable: false,
    });
  });

  it('shows why a key was disabled, and offers Enable', () => {
    expect(
      providerKeyStatus({ status: 'DISABLED', disabledReason: 'The provider rejected the key (401/403)', cooldownUntil: null }),
    ).toEqual({
      label: 'Disabled',
      detail: 'The provider rejected the key (401/403)',
      canEnable: true,
    });
  });

  it('shows until when a key rests, and offers Enable', () => {
    expect(providerKeyStatus({ status: 'COOLING_DOWN', disabledReason: null, cooldownUntil: '2025-06-15T10:02:05.000Z' })).toEqual({
      label: 'Cooling down',
      detail: 'until 2025-06-15 10:02 UTC',
      canEnable: true,
    });
  });
});
