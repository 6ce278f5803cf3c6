/** A stored key's state as the provider-keys screen shows it (the server decides the state). */
import { formatDateTime } from '../../../components/format.js';

export interface KeyStatusLike {
  status: 'AVAILABLE' | 'COOLING_DOWN' | 'DISABLED';
  disabledReason?: string | null;
  cooldownUntil?: string | null;
}

export interface KeyStatusDisplay {
  /** Null while the key is in service: nothing to show. */
  label: string | null;
  detail: string | null;
  /** Whether an "Enable" action applies. */
  canEnable: boolean;
}

export function providerKeyStatus(key: KeyStatusLike): KeyStatusDisplay {
  if (key.status === 'DISABLED') return { label: 'Disabled', detail: key.disabledReason ?? null, canEnable: true };
  if (key.status === 'COOLING_DOWN') {
    return { label: 'Cooling down', detail: key.cooldownUntil ? `until ${formatDateTime(key.cooldownUntil)}` : null, canEnable: true };
  }
  return { label: null, detail: null, canEnable: false };
}
