import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, seedOrganization, seedUser } from '../support/control-plane.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const USAGE = '{ usage(groupBy: [PROVIDER]) { groups { provider requests } } }';
const LOGS = '{ requestLogs(first: 5) { nodes { requestId } } }';
const STATEMENT = 'query($org: ID!) { statement(organizationId: $org, month: "2026-11") { month } }';

/**
 * One organization's usage reports cannot hold the database for everyone: past
 * USAGE_REPORT_MS_PER_MINUTE of report time in a minute (1 ms here: the first report spends
 * it), its reports and request logs are refused with when to retry; other organizations and
 * operators are still answered.
 */
describe('usage report limits (GraphQL)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { USAGE_REPORT_MS_PER_MINUTE: '1' });
  });
  afterAll(() => t?.close());

  it("refuses an organization's reports, request logs and statements past its time for the minute, and no one else's", async () => {
    const heavyOrg = await seedOrganization(t);
    const heavy = await seedUser(t, heavyOrg.id, 'MEMBER');
    const other = await seedUser(t, (await seedOrganization(t)).id, 'MEMBER');

    expect((await t.gql(USAGE, {}, heavy.token)).errors).toBeUndefined();
    for (const query of [USAGE, LOGS, STATEMENT]) {
      const refused = await t.gql<{ usage: unknown }>(query, { org: heavyOrg.id }, heavy.token);
      expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
      const retry = refused.errors?.[0]?.extensions?.retryAfterSeconds as number;
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(refused.errors?.[0]?.message).toMatch(/database time/);
    }

    expect((await t.gql(USAGE, {}, other.token)).errors).toBeUndefined();
    // The operator (the admin token) is not limited, over every organization or over that one.
    const overHeavy = `{ usage(filter: { organizationId: "${heavyOrg.id}" }) { groups { requests } } }`;
    for (let i = 0; i < 3; i += 1) {
      expect((await t.gql(USAGE, {})).errors).toBeUndefined();
      expect((await t.gql(overHeavy, {})).errors).toBeUndefined();
    }
  });
});
