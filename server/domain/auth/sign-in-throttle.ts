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
// Refused because the account's last allowed checks are running: within moments they either
// clear the count (a right secret) or lock the account, so a long wait would be wrong.
const CHECKS_RUNNING_RETRY_MS = 1000;

/**
 * Slows password and token guessing, per account and per client address. The account key is
 * whatever the caller typed (normalized), whether or not such an account exists, so a 429
 * never tells an attacker which emails are registered. Counters live in the StateStore: in
 * the process, or in Redis shared by every instance.
 */
export class SignInThrottle {
  /** Per account: failed checks in the window, and (under `guard`) checks still running. */
  private readonly failures: RateLimiterAbstract;
  /** Per account: present while it is locked, expiring with the lock. */
  private readonly locked: RateLimiterAbstract;
  /** Per account: how often it was locked lately, so each lock is longer. */
  private readonly locks: RateLimiterAbstract;
  private readonly addresses: RateLimiterAbstract;

  constructor(
    state: StateStore,
    private readonly limits: SignInLimits = SIGN_IN_LIMITS,
  ) {
    this.failures = state.limiter({ name: 'signin-fail', points: limits.failuresPerAccount, durationSeconds: limits.accountWindowSeconds });
    this.locked = state.limiter({ name: 'signin-locked', points: 1, durationSeconds: limits.maxLockSeconds });
    this.locks = state.limiter({ name: 'signin-lock', points: Number.MAX_SAFE_INTEGER, durationSeconds: LOCK_MEMORY_SECONDS });
    this.addresses = state.limiter({ name: 'signin-addr', points: limits.attemptsPerAddressPerMinute, durationSeconds: 60 });
  }

  /**
   * One secret check under the limits: `check` resolves to what the right secret opens, or to
   * null for a wrong one. The attempt counts against the address, and against the account as a
   * failure before `check` runs; a right secret gives it back and clears the account's record.
   * Counted only afterwards, concurrent guesses would all pass a gate that had read the count
   * before any of them failed: this way at most `failuresPerAccount` checks run or have failed.
   */
  async guard<T>(account: string, address: string, check: () => Promise<T | null>): Promise<T | null> {
    await this.countAddress(address);
    const place = (await this.failures.penalty(account, 1)).consumedPoints;
    // Read after taking a place: a lock set meanwhile is seen here, or had already filled the count.
    const lock = await this.locked.get(account);
    if (lock || place > this.limits.failuresPerAccount) {
      await this.failures.reward(account, 1);
      throw tooMany(lock ? lock.msBeforeNext : CHECKS_RUNNING_RETRY_MS);
    }
    let opened: T | null;
    try {
      opened = await check();
    } catch (error) {
      // Neither a right nor a wrong secret (say, the database failed): not held against the account.
      await this.failures.reward(account, 1);
      throw error;
    }
    if (opened === null) await this.lockAfter(account, place);
    else await this.succeeded(account);
    return opened;
  }

  async succeeded(account: string): Promise<void> {
    await Promise.all([this.failures.delete(account), this.locked.delete(account), this.locks.delete(account)]);
  }

  private async countAddress(address: string): Promise<void> {
    try {
      await this.addresses.consume(address);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooMany(error.msBeforeNext);
      throw error;
    }
  }

  /** The last allowed failure locks the account, twice as long as its previous lock that day. */
  private async lockAfter(account: string, failures: number): Promise<void> {
    if (failures < this.limits.failuresPerAccount) return;
    const lockNumber = (await this.locks.penalty(account, 1)).consumedPoints;
    const seconds = Math.min(this.limits.maxLockSeconds, this.limits.firstLockSeconds * 2 ** (lockNumber - 1));
    await this.locked.block(account, seconds);
    // The count stays full while locked and starts afresh with the lock's end.
    await this.failures.block(account, seconds);
  }
}

function tooMany(msBeforeNext: number): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new RateLimitedError(`Too many attempts; try again in ${seconds} s`, seconds);
}
