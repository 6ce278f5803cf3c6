/**
 * Embedded key file rotation is crash-safe: at every step the key file holds a ring that opens
 * every row, whichever key sealed it. A crash is an exception thrown from the re-encryption.
 * With KEYPLANE_ENCRYPTION_KEY, every sealed table is re-encrypted and stays readable once the
 * old key is dropped.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rotateEncryptionKey } from '../../server/cli/rotate-encryption-key.js';
import { loadConfig } from '../../server/config.js';
import { reencryptSealedTables } from '../../server/domain/encryption/sealed-tables.js';
import { AlertOutbox } from '../../server/domain/webhooks/alert-outbox.js';
import { WebhookDispatcher } from '../../server/domain/webhooks/webhook-dispatcher.js';
import { verifyWebhookSignature } from '../../server/domain/webhooks/webhook-signature.js';
import { createLogger } from '../../server/observability/logger.js';
import { createMetrics } from '../../server/observability/metrics.js';
import { KEY_FILE, readKeyFile } from '../../server/secrets/key-file.js';
import { generateEncryptionKey, KeyRing, resolveKeyRing } from '../../server/secrets/key-ring.js';
import { seedOrganization } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

describe('rotate-encryption-key on the embedded key file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function embedded() {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-rotate-'));
    dirs.push(dataDir);
    const config = loadConfig({ KEYPLANE_DATA_DIR: dataDir });
    const oldRing = resolveKeyRing(config);
    return { dataDir, config, oldRow: oldRing.seal('sk-old-row'), oldKeys: readKeyFile(dataDir) ?? [] };
  }

  it('a crash while re-encrypting leaves [new, old]: rows sealed with either key still open', async () => {
    const { dataDir, config, oldRow, oldKeys } = embedded();
    let newRow: ReturnType<KeyRing['seal']> | undefined;
    const lines: string[] = [];
    await expect(
      rotateEncryptionKey(config, {
        say: (line) => lines.push(line),
        reencryptWith: async (keyRing) => {
          newRow = keyRing().seal('sk-new-row'); // one row done, then the process dies
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const ring = resolveKeyRing(config);
    expect(readKeyFile(dataDir)).toHaveLength(2);
    expect(readKeyFile(dataDir)?.[1]).toBe(oldKeys[0]);
    expect(ring.open(oldRow)).toBe('sk-old-row');
    expect(ring.open(newRow as never)).toBe('sk-new-row');
    expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);

    // Running it again finishes the job: one new key, and rows sealed with it open.
    let lastRow: ReturnType<KeyRing['seal']> | undefined;
    await rotateEncryptionKey(config, {
      say: (line) => lines.push(line),
      reencryptWith: async (keyRing) => {
        const during = keyRing();
        expect(during.open(oldRow)).toBe('sk-old-row');
        expect(during.open(newRow as never)).toBe('sk-new-row');
        lastRow = during.seal('sk-last-row');
        return [{ holds: 'provider keys', reencrypted: 2, alreadyCurrent: 0 }];
      },
    });
    expect(readKeyFile(dataDir)).toHaveLength(1);
    expect(resolveKeyRing(config).open(lastRow as never)).toBe('sk-last-row');
    expect(() => resolveKeyRing(config).open(oldRow)).toThrow(/can decrypt/);
    expect(lines.join('\n')).toContain('provider keys: 2 re-encrypted, 0 already on that key');
    expect(lines.join('\n')).not.toContain(readKeyFile(dataDir)?.[0]);
  });
});

const CREATE_WEBHOOK = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }`;
const SET_PROVIDER_KEY = `mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id } }`;

/**
 * Every sealed table (SEALED_TABLES) through the command, on a live database: sealed under key A,
 * rotated to [B, A], then A dropped. The server under test keeps ring [A] and its own webhook
 * dispatcher off; the instance that "runs with B only" is a dispatcher and a ring built here.
 */
describe.each(availableBackends())('rotate-encryption-key re-encrypts every sealed table on %s', (backend) => {
  const keyA = generateEncryptionKey();
  const keyB = generateEncryptionKey();
  const plaintexts = { openai: `sk-rotate${'o'.repeat(40)}`, anthropic: `sk-ant-rotate${'a'.repeat(40)}` };
  let t: TestServer;
  let receiver: WebhookReceiver;
  const dataDir = mkdtempSync(join(tmpdir(), 'keyplane-rotate-rows-'));
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestServer(backend, {
      KEYPLANE_ENCRYPTION_KEY: keyA,
      KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      WEBHOOK_INTERVAL_MS: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rotate = async () => {
    const lines: string[] = [];
    await rotateEncryptionKey(loadConfig({ KEYPLANE_DATA_DIR: dataDir, KEYPLANE_ENCRYPTION_KEY: `${keyB},${keyA}` }), {
      say: (line) => lines.push(line),
      reencryptWith: (keyRing) => reencryptSealedTables(t.server.db.prisma, keyRing()),
    });
    return lines.join('\n');
  };

  it('a webhook delivery after A is dropped is signed with the secret createWebhook returned, and provider keys still decrypt', async () => {
    const org = await seedOrganization(t);
    for (const [provider, key] of Object.entries(plaintexts)) {
      await t.gqlOk(SET_PROVIDER_KEY, { input: { organizationId: org.id, provider, key } });
    }
    const { createWebhook } = await t.gqlOk<{ createWebhook: { secret: string } }>(CREATE_WEBHOOK, {
      input: { organizationId: org.id, url: receiver.url, events: ['credits.low'] },
    });
    const ringB = new KeyRing([keyB]);
    const ringBA = new KeyRing([keyB, keyA]);
    // As if an earlier run died after re-encrypting one row: that row is skipped, not sealed twice.
    const anthropic = await t.server.db.prisma.providerKey.findFirstOrThrow({ where: { organizationId: org.id, provider: 'anthropic' } });
    await t.server.db.prisma.providerKey.update({ where: { id: anthropic.id }, data: ringBA.seal(ringBA.open(anthropic)) });

    const output = await rotate();
    expect(output).toContain('provider keys: 1 re-encrypted, 1 already on that key');
    expect(output).toContain('webhook signing secrets: 1 re-encrypted, 0 already on that key');
    for (const secret of [keyA, keyB, createWebhook.secret, ...Object.values(plaintexts)]) expect(output).not.toContain(secret);
    const again = await rotate();
    expect(again).toContain('provider keys: 0 re-encrypted, 2 already on that key');
    expect(again).toContain('webhook signing secrets: 0 re-encrypted, 1 already on that key');

    // The server still on [A] now reports both tables as sealed with a key it lacks.
    const readyz = await t.fetch('/readyz');
    expect(readyz.status).toBe(503);
    expect((await readyz.json()).encryption.problem).toContain(`${ringB.primaryVersion} (provider keys, webhook signing secrets)`);

    // Drop A: ring [B] alone opens every row.
    for (const row of await t.server.db.prisma.providerKey.findMany({ where: { organizationId: org.id } })) {
      expect(row.keyVersion).toBe(ringB.primaryVersion);
      expect(ringB.open(row)).toBe(plaintexts[row.provider as keyof typeof plaintexts]);
    }
    const dispatcher = new WebhookDispatcher(t.server.db.prisma, ringB, createLogger({ level: 'silent' }), createMetrics(), {
      intervalMs: 0,
      retryBaseMs: 100,
      allowPrivate: true,
    });
    try {
      await new AlertOutbox(t.server.db.prisma).record({
        eventKey: `credits.low:rotation:${org.id}`,
        type: 'credits.low',
        organizationId: org.id,
        data: { balanceUsd: '0.4', thresholdUsd: '0.5' },
      });
      await dispatcher.runOnce();
      const [hook] = await receiver.waitFor(1, (received) => received.json.organizationId === org.id);
      expect(verifyWebhookSignature(createWebhook.secret, hook!.body, hook!.headers['x-keyplane-signature'] as string)).toBe(true);
    } finally {
      await dispatcher.stop();
    }
  });
});
