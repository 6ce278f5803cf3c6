import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe.each(availableBackends())('smoke on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t?.close());

  it('answers viewer for the admin token', async () => {
    const data = await t.gqlOk<{ viewer: { isOperator: boolean } }>('{ viewer { isOperator } }');
    expect(data.viewer.isOperator).toBe(true);
  });
});
