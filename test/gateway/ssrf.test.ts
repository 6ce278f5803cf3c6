/**
 * SSRF through custom providers: an organization admin must not point keyplane at loopback,
 * private or metadata addresses and read the answer back — refused when set and again when
 * called (a row stored before the rule, or a name that resolves inside, never gets a request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../support/loopback-server.js';
import { availableBackends } from '../support/test-database.js';
import type { TestServer } from '../support/test-server.js';
import { chat, createTenant, expectOpenAiError, type GatewayEnv, startGatewayEnv, usageOf } from './support/tenant.js';

const SWITCH = 'set KEYPLANE_ALLOW_PRIVATE_UPSTREAMS=true for single-tenant installs';
const SET = 'mutation($i: SetCustomProviderInput!) { setCustomProvider(input: $i) { slug baseUrl } }';

async function setCustomProvider(t: TestServer, organizationId: string, baseUrl: string) {
  return t.gql<{ setCustomProvider: { slug: string; baseUrl: string } }>(SET, {
    i: { organizationId, slug: 'lab', name: 'Lab', baseUrl, models: ['llama3'] },
  });
}

describe.each(availableBackends())('custom providers cannot reach inside, on %s', (backend) => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv(backend);
  });
  afterAll(() => g?.close());

  it('refuses inside, odd-form, non-HTTP and credentialed base URLs when set', async () => {
    const tenant = await createTenant(g.t);
    const port = g.sim.port;
    const cases: [string, string][] = [
      [`http://127.0.0.1:${port}/custom/v1`, `must not target 127.0.0.1, a loopback address; ${SWITCH}`],
      [`http://localhost:${port}/custom/v1`, `must not target localhost, which resolves to a loopback address; ${SWITCH}`],
      [`http://[::1]:${port}/v1`, `must not target ::1, a loopback address; ${SWITCH}`],
      [`http://[::ffff:127.0.0.1]:${port}/v1`, `must not target ::ffff:7f00:1, a loopback address; ${SWITCH}`],
      ['http://10.0.0.5:11434/v1', `must not target 10.0.0.5, a private address; ${SWITCH}`],
      ['http://192.168.1.20/v1', `must not target 192.168.1.20, a private address; ${SWITCH}`],
      ['http://169.254.169.254/latest/meta-data/iam', `must not target 169.254.169.254, a cloud metadata address; ${SWITCH}`],
      ['http://169.254.1.1/', `must not target 169.254.1.1, a link-local address; ${SWITCH}`],
      [
        'http://metadata.google.internal/computeMetadata/v1',
        `must not target metadata.google.internal, a cloud metadata service; ${SWITCH}`,
      ],
      [`http://2130706433:${port}/v1`, `must not target 127.0.0.1, a loopback address; ${SWITCH}`],
      [`http://0177.0.0.1:${port}/v1`, `must not target 127.0.0.1, a loopback address; ${SWITCH}`],
      [`http://0x7f.0.0.1:${port}/v1`, `must not target 127.0.0.1, a loopback address; ${SWITCH}`],
      ['file:///etc/passwd', 'must use http or https'],
      ['ftp://llm.example.com/v1', 'must use http or https'],
      ['gopher://127.0.0.1:6379/_FLUSHALL', 'must use http or https'],
      ['https://admin:hunter2@llm.example.com/v1', 'must not contain credentials; store the key with setProviderKey'],
    ];
    for (const [baseUrl, message] of cases) {
      const result = await setCustomProvider(g.t, tenant.organizationId, baseUrl);
      expect(result.errors?.[0], baseUrl).toMatchObject({ message: `baseUrl ${message}`, extensions: { code: 'BAD_USER_INPUT' } });
      expect(JSON.stringify(result)).not.toContain('hunter2');
    }
    expect(await g.t.server.db.prisma.customProvider.count({ where: { organizationId: tenant.organizationId } })).toBe(0);
    // A public address is still fine.
    expect((await setCustomProvider(g.t, tenant.organizationId, 'https://203.0.114.7/v1')).data?.setCustomProvider.baseUrl).toBe(
      'https://203.0.114.7/v1',
    );
  });

  // Rows stored before the rule existed, or a name that resolves inside now (DNS rebinding):
  // the connection itself refuses, so the simulator listening there never hears a thing.
  it.each(['127.0.0.1', 'localhost'])('refuses a stored base URL on %s when called, without a request or a key verdict', async (host) => {
    const tenant = await createTenant(g.t);
    await g.t.server.db.prisma.customProvider.create({
      data: {
        organizationId: tenant.organizationId,
        slug: 'lab',
        name: 'Lab',
        baseUrl: `http://${host}:${g.sim.port}/custom/v1`,
        models: ['llama3'],
      },
    });
    g.sim.clearRequests();
    for (let i = 0; i < 2; i += 1) {
      // The same 400 twice: the refusal neither cools down nor disables anything.
      const result = await chat(g.t, tenant.secret, { model: 'lab/llama3' });
      expectOpenAiError(result, 400, 'invalid_request');
      const reason = host === 'localhost' ? 'localhost, which resolves to a loopback address' : '127.0.0.1, a loopback address';
      expect(result.json.error.message).toBe(`Custom provider lab must not target ${reason}; ${SWITCH}`);
      expect(await usageOf(g.t, result.requestId)).toMatchObject({ status: 'FAILED', failureClass: 'BAD_REQUEST', provider: 'lab' });
    }
    expect(g.sim.requests).toHaveLength(0);
  });
});

describe('with KEYPLANE_ALLOW_PRIVATE_UPSTREAMS=true', () => {
  let g: GatewayEnv;
  beforeAll(async () => {
    g = await startGatewayEnv('pglite', { KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true' });
  });
  afterAll(() => g?.close());

  it('a custom provider on 127.0.0.1 works end to end', async () => {
    const tenant = await createTenant(g.t);
    const set = await setCustomProvider(g.t, tenant.organizationId, g.sim.baseUrl('custom'));
    expect(set.data?.setCustomProvider.baseUrl).toBe(g.sim.baseUrl('custom'));
    const result = await chat(g.t, tenant.secret, { model: 'lab/llama3' });
    expect(result.status, result.text).toBe(200);
    expect(result.provider).toBe('lab');
    expect(g.sim.requests.at(-1)).toMatchObject({ provider: 'custom', model: 'llama3' });
  });

  it('a redirect is a failure of the upstream, never followed', async () => {
    const inside = await startLoopbackServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"INSIDE":"SECRET"}'),
    );
    const redirector = await startLoopbackServer((_req, res) =>
      res.writeHead(307, { location: `${inside.url}/v1/chat/completions` }).end(),
    );
    try {
      const tenant = await createTenant(g.t);
      await setCustomProvider(g.t, tenant.organizationId, `${redirector.url}/v1`);
      const result = await chat(g.t, tenant.secret, { model: 'lab/llama3' });
      expectOpenAiError(result, 502);
      expect(result.text).not.toContain('SECRET');
      expect(redirector.hits).toEqual(['/v1/chat/completions']);
      expect(inside.hits).toEqual([]);
    } finally {
      await Promise.all([inside.close(), redirector.close()]);
    }
  });
});
