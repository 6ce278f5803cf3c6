/**
 * /readyz answers 503 when a stored secret (a provider key, a webhook signing secret) was sealed
 * with a key the ring lacks (a lost or rotated-away encryption key), naming the key's fingerprint
 * and what it sealed, never a key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey, KeyRing } from '../../server/secrets/key-ring.js';
import { maskProviderKey } from '../../server/secrets/provider-key-format.js';
import { seedOrganization } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe.each(availableBackends())('/readyz and the encryption key ring on %s', (backend) => {
  let t: TestServer;
  const serverKey = generateEncryptionKey();

  beforeAll(async () => {
    t = await startTestServer(backend, { KEYPLANE_ENCRYPTION_KEY: serverKey });
  });
  afterAll(() => t?.close());

  it('answers 503 naming each missing key fingerprint and what it sealed once a row needs a key the ring lacks', async () => {
    const org = await seedOrganization(t);
    // A key stored through the API is sealed with the server's own ring: not a problem.
    await t.gqlOk('mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id } }', {
      input: { organizationId: org.id, provider: 'openai', key: `sk-ready${'r'.repeat(40)}` },
    });
    // A row sealed with a key this ring does not hold (e.g. encryption.key lost or left behind).
    const foreignKey = generateEncryptionKey();
    const foreign = new KeyRing([foreignKey]);
    const secret = `sk-ant-foreign${'f'.repeat(40)}`;
    await t.server.db.prisma.providerKey.create({
      data: { organizationId: org.id, provider: 'anthropic', region: '', mask: maskProviderKey(secret), ...foreign.seal(secret) },
    });

    // A webhook secret sealed with yet another key: webhook deliveries would fail to sign.
    const otherKey = generateEncryptionKey();
    const other = new KeyRing([otherKey]);
    const webhookSecret = 'whsec_readyzforeign0123456789abcdefgh';
    await t.server.db.prisma.webhook.create({
      data: { organizationId: org.id, url: 'https://hooks.example.test/in', events: ['credits.low'], ...other.seal(webhookSecret) },
    });

    const unready = await t.fetch('/readyz');
    const text = await unready.text();
    expect(unready.status).toBe(503);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: 'unavailable', database: 'ok', migrations: { upToDate: true }, encryption: { ok: false } });
    expect(body.encryption.problem).toContain(`${foreign.primaryVersion} (provider keys)`);
    expect(body.encryption.problem).toContain(`${other.primaryVersion} (webhook signing secrets)`);
    expect(body.encryption.problem).not.toContain(new KeyRing([serverKey]).primaryVersion);
    for (const leaked of [foreignKey, otherKey, serverKey, secret, webhookSecret]) expect(text).not.toContain(leaked);
  });
});
