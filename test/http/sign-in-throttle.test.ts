/** Password guessing: throttled per account and per address, identically for unknown emails. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { SIGN_IN_LIMITS } from '../../server/domain/auth/sign-in-throttle.js';
import { seedUser, signIn } from '../support/control-plane.js';
import { clearRedisPrefix, redisAvailable, uniqueRedisPrefix } from '../support/redis.js';
import { TEST_REDIS_URL } from '../support/test-env.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const PASSWORD = 'the-right-password';

async function attempt(t: TestServer, email: string, password: string, headers: Record<string, string> = {}) {
  const response = await t.fetch('/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
}

describe('sign-in throttling', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it('locks an account after 5 wrong passwords with 429 + Retry-After, the same for an unknown email', async () => {
    const known = await seedUser(t, null, 'MEMBER', { password: PASSWORD });
    const seen: Record<string, { status: number; retryAfter: string | null }[]> = { known: [], unknown: [] };
    for (const [label, email] of [
      ['known', known.email],
      ['unknown', 'nobody-here@example.test'],
    ] as const) {
      for (let i = 0; i < SIGN_IN_LIMITS.failuresPerAccount + 1; i += 1) {
        const { status, retryAfter } = await attempt(t, email, `wrong-${i}`);
        seen[label]?.push({ status, retryAfter: retryAfter === null ? null : 'set' });
      }
    }
    const expected = [
      ...Array(SIGN_IN_LIMITS.failuresPerAccount).fill({ status: 401, retryAfter: null }),
      { status: 429, retryAfter: 'set' },
    ];
    expect(seen.known).toEqual(expected);
    expect(seen.unknown).toEqual(expected);
    // Locked: even the right password waits, and Retry-After says how long.
    const locked = await attempt(t, known.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect(Number(locked.retryAfter)).toBeLessThanOrEqual(SIGN_IN_LIMITS.firstLockSeconds);
    expect(locked.body).toMatch(/RATE_LIMITED/);
  });

  it('a successful sign-in resets the account counter', async () => {
    const user = await seedUser(t, null, 'MEMBER', { password: PASSWORD });
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < SIGN_IN_LIMITS.failuresPerAccount - 1; i += 1) expect((await attempt(t, user.email, 'wrong')).status).toBe(401);
      expect((await signIn(t, user.email, PASSWORD)).status).toBe(200);
    }
  });
});

describe('sign-in throttling under concurrent attempts', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it(`lets at most ${SIGN_IN_LIMITS.failuresPerAccount} of 20 concurrent wrong passwords reach the password check`, async () => {
    const user = await seedUser(t, null, 'MEMBER', { password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(t, user.email, `wrong-${i}`)));
    const statuses = answers.map((answer) => answer.status).sort();
    // A 401 means the password was checked; a 429 that it was not.
    expect(statuses).toEqual([
      ...Array(SIGN_IN_LIMITS.failuresPerAccount).fill(401),
      ...Array(20 - SIGN_IN_LIMITS.failuresPerAccount).fill(429),
    ]);
    expect(answers.every((answer) => answer.status === 401 || answer.retryAfter !== null)).toBe(true);
    // The last allowed failure locked the account, as sequential guesses do.
    expect((await attempt(t, user.email, PASSWORD)).status).toBe(429);
  });

  it('concurrent right passwords sign in, or are asked to retry within a second, and leave the account unlocked', async () => {
    const user = await seedUser(t, null, 'MEMBER', { password: PASSWORD });
    const answers = await Promise.all(
      Array.from({ length: SIGN_IN_LIMITS.failuresPerAccount + 1 }, () => attempt(t, user.email, PASSWORD)),
    );
    // Past the allowed number, a right password may find every place taken by checks still running.
    const waiting = answers.filter((answer) => answer.status !== 200);
    expect(waiting.map((answer) => [answer.status, answer.retryAfter])).toEqual(waiting.map(() => [429, '1']));
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(SIGN_IN_LIMITS.failuresPerAccount);
    expect((await signIn(t, user.email, PASSWORD)).status).toBe(200);
  });
});

describe('sign-in throttling per address', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it(`refuses the ${SIGN_IN_LIMITS.attemptsPerAddressPerMinute + 1}th attempt in a minute from one address, whatever the email`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.attemptsPerAddressPerMinute; i += 1)
      statuses.push((await attempt(t, `spray-${i}@example.test`, 'guess')).status);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const tokenGuess = await t.fetch('/auth/accept-invitation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'kpinv_guess', password: 'whatever-1' }),
    });
    expect([tokenGuess.status, tokenGuess.headers.has('retry-after')]).toEqual([429, true]);
  });
});

describe('sign-in throttling per address behind a reverse proxy', () => {
  const spend = async (t: TestServer, address: string) => {
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.attemptsPerAddressPerMinute; i += 1)
      statuses.push((await attempt(t, `spray-${i}@example.test`, 'guess', { 'x-forwarded-for': address })).status);
    return statuses;
  };

  it('counts per client (X-Forwarded-For) when KEYPLANE_TRUST_PROXY names the proxy', async () => {
    const t = await startTestServer('pglite', { KEYPLANE_TRUST_PROXY: '127.0.0.1,::1' });
    try {
      expect((await spend(t, '203.0.113.1')).at(-1)).toBe(429);
      // Another client behind the same proxy still has its own attempts.
      expect((await attempt(t, 'someone@example.test', 'guess', { 'x-forwarded-for': '203.0.113.2' })).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('ignores X-Forwarded-For from a peer it does not trust (a client cannot name its own address)', async () => {
    const t = await startTestServer('pglite');
    try {
      expect((await spend(t, '203.0.113.1')).at(-1)).toBe(429);
      expect((await attempt(t, 'someone@example.test', 'guess', { 'x-forwarded-for': '203.0.113.2' })).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});

describe('invitation links guessed in parallel', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(() => t?.close());

  it(`looks up at most ${SIGN_IN_LIMITS.failuresPerAccount} of 20 concurrent guesses from one address`, async () => {
    const guess = (i: number) =>
      t.fetch('/auth/accept-invitation', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: `kpinv_guess-${i}`, password: 'whatever-123' }),
      });
    const statuses = (await Promise.all(Array.from({ length: 20 }, (_, i) => guess(i)))).map((response) => response.status);
    // Anything but a 429 means the token was looked up.
    expect(statuses.filter((status) => status !== 429)).toHaveLength(SIGN_IN_LIMITS.failuresPerAccount);
  });
});

describe.runIf(await redisAvailable())('sign-in throttling through Redis', () => {
  const prefix = uniqueRedisPrefix();
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    [a, b] = await Promise.all([startTestServer('pglite', env), startTestServer('pglite', env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await clearRedisPrefix(prefix);
  });

  it('failures counted on one instance lock the account on another', async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerAccount; i += 1)
      expect((await attempt(a, 'shared@example.test', 'wrong')).status).toBe(401);
    const other = await attempt(b, 'shared@example.test', 'wrong');
    expect([other.status, other.retryAfter === null]).toEqual([429, false]);
  });

  it(`20 concurrent wrong passwords spread over two instances: at most ${SIGN_IN_LIMITS.failuresPerAccount} are checked`, async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i % 2 ? a : b, 'spread@example.test', `wrong-${i}`)));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(SIGN_IN_LIMITS.failuresPerAccount);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(20 - SIGN_IN_LIMITS.failuresPerAccount);
  });
});

describe('KEYPLANE_PUBLIC_URL validation', () => {
  it('takes an http(s) origin, defaults to http://HOST:PORT and refuses anything else', () => {
    expect(loadConfig({ PORT: '4100' }).publicUrl).toBe('http://127.0.0.1:4100');
    expect(loadConfig({ KEYPLANE_PUBLIC_URL: 'https://keyplane.example.com/' }).publicUrl).toBe('https://keyplane.example.com');
    for (const bad of [
      'ftp://x.example',
      'https://x.example/path',
      'https://user:pw@x.example',
      'keyplane.example.com',
      'javascript:alert(1)',
    ]) {
      expect(() => loadConfig({ KEYPLANE_PUBLIC_URL: bad }), bad).toThrow(/KEYPLANE_PUBLIC_URL/);
    }
  });
});
