import type { KeyState, StateStore } from './state-store.js';

/**
 * Where an organization's keys keep their state (cooldown, disabled, last use) in the
 * StateStore. The owner is part of the name, so one tenant's failures can never take another
 * tenant's key out of service, even where two organizations chose the same custom provider
 * slug. Platform keys (hosted pool and legacy env) are the platform's own and stay named by
 * their environment variable.
 */
export const storedKeyStateName = (organizationId: string, providerKeyId: string) => `byok:${organizationId}:${providerKeyId}`;

/** An organization's custom provider called without a stored key. */
export const customProviderStateName = (organizationId: string, slug: string) => `custom:${organizationId}:${slug}`;

export type KeyStatus = 'AVAILABLE' | 'COOLING_DOWN' | 'DISABLED';

/** A key's state as the control plane shows it. */
export interface KeyStatusView {
  status: KeyStatus;
  cooldownUntil: Date | null;
  disabledReason: string | null;
}

/**
 * The one rule for a key's state at `now`: disabled wins, then a cooldown still running, else
 * available. The hosted pool, the router and the control plane all ask this function.
 */
export function keyStatus(state: Pick<KeyState, 'cooldownUntil' | 'disabled'> | undefined, now: number): KeyStatus {
  if (state?.disabled) return 'DISABLED';
  return state !== undefined && state.cooldownUntil > now ? 'COOLING_DOWN' : 'AVAILABLE';
}

export function keyStatusView(state: KeyState | undefined, now: number): KeyStatusView {
  const status = keyStatus(state, now);
  return {
    status,
    // A disabled key may also be cooling; the dashboard shows both.
    cooldownUntil: state !== undefined && state.cooldownUntil > now ? new Date(state.cooldownUntil) : null,
    disabledReason: status === 'DISABLED' && state ? state.disabledReason : null,
  };
}

/** Put a key back in service: neither disabled nor cooling down. */
export async function returnToService(state: StateStore, name: string): Promise<void> {
  await state.setDisabled(name, false, null);
  await state.setCooldown(name, 0);
}
