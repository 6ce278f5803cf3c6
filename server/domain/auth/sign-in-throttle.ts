import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { StateStore } from '../../state/state-store.js';
import { RateLimitedError } from '../errors.js';

export interface SignInLimits {
  /** Wrong passwords (or bad invitation tokens) per account before it locks. */
  failuresPerAccount: number;
  accountWindowSeconds: number;
  /** The first lock; each further lock within a day doubles it, up to `maxLockSeconds`. */
  firstLockSeconds: number;
  maxLockSeconds: number;
  /** Attempts of any outcome per client address per minute. */
  attemptsPerAddressPerMinute: number;
}

export const SIGN_IN_LIMITS: SignInLimits = {
  failuresPerAccount: 5,
  accountWindowSeconds: 15 * 60,
  firstLockSeconds: 60,
  maxLockSeconds: 60 * 60,
  attemptsPerAddressPerMinute: 30,
};

const LOCK_MEMORY_SECONDS = 24 * 60 * 60;

/**
 * Slows password and token guessing, per account and per client address. The account key is
 * whatever the caller typed (normalized), whether or not such an account exists, so a 429
 * never tells an attacker which emails are registered. Counters live in the StateStore: in
 * the process, or in Redis shared by every instance.
 */
export class SignInThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly locks: RateLimiterAbstract;
  private readonly addresses: RateLimiterAbstract;

  constructor(
    state: StateStore,
    private readonly limits: SignInLimits = SIGN_IN_LIMITS,
  ) {
    this.failures = state.limiter({ name: 'signin-fail', points: limits.failuresPerAccount, durationSeconds: limits.accountWindowSeconds });
    this.locks = state.limiter({ name: 'signin-lock', points: Number.MAX_SAFE_INTEGER, durationSeconds: LOCK_MEMORY_SECONDS });
    this.addresses = state.limiter({ name: 'signin-addr', points: limits.attemptsPerAddressPerMinute, durationSeconds: 60 });
  }

  /** Before checking a secret: counts the attempt against the address; refuses while either is locked. */
  async admit(account: string, address: string): Promise<void> {
    try {
      await this.addresses.consume(address);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooMany(error.msBeforeNext);
      throw error;
    }
    const held = await this.failures.get(account);
    if (held && held.consumedPoints >= this.limits.failuresPerAccount) throw tooMany(held.msBeforeNext);
  }

  /** A wrong secret: the last allowed failure locks the account, longer each time. */
  async failed(account: string): Promise<void> {
    const counted = await this.failures.penalty(account, 1);
    if (counted.consumedPoints < this.limits.failuresPerAccount) return;
    const lockNumber = (await this.locks.penalty(account, 1)).consumedPoints;
    const seconds = Math.min(this.limits.maxLockSeconds, this.limits.firstLockSeconds * 2 ** (lockNumber - 1));
    await this.failures.block(account, seconds);
  }

  async succeeded(account: string): Promise<void> {
    await Promise.all([this.failures.delete(account), this.locks.delete(account)]);
  }
}

function tooMany(msBeforeNext: number): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new RateLimitedError(`Too many attempts; try again in ${seconds} s`, seconds);
}
