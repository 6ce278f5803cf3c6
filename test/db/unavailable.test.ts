import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/unavailable.js';

describe('isDatabaseUnavailable: what the pg driver and Prisma throw when the server is gone', () => {
  // Messages as node-postgres writes them (pg/lib/client.js, pg-pool/index.js): each must answer 503, never 500.
  it.for([
    'Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
    'Client was closed and is not queryable',
    'Connection terminated due to connection timeout',
  ])('"%s" is an outage', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
    // Prisma's driver adapters wrap the driver's error as the cause.
    expect(isDatabaseUnavailable(new Error('Invalid `prisma.usageIntent.createMany()` invocation', { cause: new Error(message) }))).toBe(
      true,
    );
  });

  it('a bad query or a constraint violation is not an outage', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
  });
});
