import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedAgent } from '../../server/net/safe-dispatcher.js';
import { UpstreamAddressRefused } from '../../server/net/upstream-address.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

describe('the guarded agent', () => {
  let inside: LoopbackServer;
  const guarded = createGuardedAgent({ allowPrivate: false });
  const open = createGuardedAgent({ allowPrivate: true });
  beforeAll(async () => {
    inside = await startLoopbackServer((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: `${inside.url}/secret` }).end();
      else res.end('INSIDE-SECRET');
    });
  });
  afterAll(async () => {
    await Promise.all([guarded.close(), open.close()]);
    await inside.close();
  });

  it.each(['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '2130706433'])(
    'never connects to a loopback host written as %s',
    async (host) => {
      const before = inside.hits.length;
      const error = await request(`http://${host}:${inside.port}/secret`, { dispatcher: guarded }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UpstreamAddressRefused);
      expect((error as Error).message).toMatch(/loopback address; set KEYPLANE_ALLOW_PRIVATE_UPSTREAMS=true/);
      expect(inside.hits.length).toBe(before);
    },
  );

  it('with the switch on, connects; a redirect is answered as is, never followed', async () => {
    const ok = await request(`http://localhost:${inside.port}/secret`, { dispatcher: open });
    expect(await ok.body.text()).toBe('INSIDE-SECRET');
    const before = inside.hits.length;
    const moved = await request(`http://127.0.0.1:${inside.port}/moved`, { dispatcher: open });
    await moved.body.dump();
    expect(moved.statusCode).toBe(302);
    expect(inside.hits.slice(before)).toEqual(['/moved']);
  });
});
