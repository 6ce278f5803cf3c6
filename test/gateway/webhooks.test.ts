import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertOutbox } from '../../server/domain/webhooks/alert-outbox.js';
import { WebhookDispatcher } from '../../server/domain/webhooks/webhook-dispatcher.js';
import { verifyWebhookSignature } from '../../server/domain/webhooks/webhook-signature.js';
import { createLogger } from '../../server/observability/logger.js';
import { createMetrics } from '../../server/observability/metrics.js';
import { generateEncryptionKey, KeyRing } from '../../server/secrets/key-ring.js';
import { awayFromUtcPeriodEnd } from '../support/clock.js';
import { seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import {
  chat,
  createTenant,
  fakeKey,
  type GatewayEnv,
  metrics,
  metricValue,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from './support/tenant.js';

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url events } } }`;
const LOG = `query($id: ID!) { organization(id: $id) { webhooks { id url events deliveries(first: 10) {
  eventType eventKey status attempts lastStatusCode lastResponse deliveredAt } } } }`;
/** Each call bills 12.6 µUSD (gpt-4o-mini, 25 in / 9 out, × 1.5); 16 output tokens keep holds small. */
const BODY = { model: 'gpt-4o-mini', max_tokens: 16 };

/** Webhooks (SPEC §5): signed, retried, once per crossing, off the request path, private addresses refused. */
describe.each(availableBackends())('webhooks on %s', (backend) => {
  let g: GatewayEnv;
  let receiver: WebhookReceiver;
  const encryptionKey = generateEncryptionKey();
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    g = await startGatewayEnv(backend, {
      OPENAI_API_KEY: fakeKey('openai'),
      HOSTED_COST_MULTIPLIER: '1.5',
      // The receiver listens on 127.0.0.1, as a single-tenant install's own service would.
      KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      KEYPLANE_ENCRYPTION_KEY: encryptionKey,
      WEBHOOK_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
    });
  });
  afterAll(async () => {
    await g?.close();
    await receiver?.close();
  });

  const createWebhook = async (tenant: Tenant, events: string[]) => {
    const data = await g.t.gqlOk<{ createWebhook: { secret: string; webhook: { id: string } } }>(CREATE, {
      input: { organizationId: tenant.organizationId, url: receiver.url, events },
    });
    return { id: data.createWebhook.webhook.id, secret: data.createWebhook.secret };
  };
  const settledCall = async (tenant: Tenant, headers: Record<string, string> = {}) => {
    const result = await chat(g.t, tenant.secret, BODY, headers);
    expect(result.status, result.text).toBe(200);
    await usageOf(g.t, result.requestId);
  };
  const ofOrganization = (organizationId: string) => (hook: { json: { organizationId: string | null } }) =>
    hook.json.organizationId === organizationId;

  it('sends budget.threshold at 50, 80 and 100 % of a key budget, signed, each crossing once', async () => {
    // A new month starts the budget's spend again: every crossing must fall in one month.
    await awayFromUtcPeriodEnd('month');
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.0001', budgetPeriod: 'MONTHLY' } });
    const { secret } = await createWebhook(tenant, ['budget.threshold']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    for (let i = 0; i < 9; i += 1) {
      const result = await chat(g.t, tenant.secret, BODY);
      if (result.status === 402) break;
      await usageOf(g.t, result.requestId);
    }
    const hooks = await receiver.waitFor(3, ofOrganization(tenant.organizationId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mine = receiver.received.filter(ofOrganization(tenant.organizationId));
    expect(mine.map((hook) => hook.json.data.thresholdPercent)).toEqual([50, 80, 100]);
    for (const hook of hooks) {
      expect(hook.headers['x-keyplane-event']).toBe('budget.threshold');
      expect(verifyWebhookSignature(secret, hook.body, hook.headers['x-keyplane-signature'] as string)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', hook.body, hook.headers['x-keyplane-signature'] as string)).toBe(false);
      expect(hook.json).toMatchObject({
        type: 'budget.threshold',
        data: { budget: { kind: 'gateway_key', id: tenant.gatewayKeyId, projectId: tenant.projectId }, budgetUsd: '0.0001' },
      });
      expect(hook.json.data.period).toMatch(/^\d{4}-\d{2}$/);
    }
    expect(Number(hooks[1]?.json.data.spentUsd)).toBeGreaterThanOrEqual(0.00008);
    const { organization } = await g.t.gqlOk<{ organization: { webhooks: { deliveries: any[] }[] } }>(LOG, { id: tenant.organizationId });
    const deliveries = organization.webhooks[0]?.deliveries ?? [];
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries)
      expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, lastResponse: 'ok' });
  }, 90_000);

  it('retries after the receiver answers 500, with the same event, and logs the last answer scrubbed', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    await createWebhook(tenant, ['budget.threshold']);
    await g.t.gqlOk(`mutation($input: SetAttributionBudgetInput!) { setAttributionBudget(input: $input) { id } }`, {
      input: { projectId: tenant.projectId, scope: 'TAG', value: 'team:a', budgetUsd: '0.00002', budgetPeriod: 'TOTAL' },
    });
    receiver.answerNext(500);
    await settledCall(tenant, { 'x-keyplane-tags': 'team:a' });
    const hooks = await receiver.waitFor(2, ofOrganization(tenant.organizationId));
    expect(hooks[0]?.json.id).toBe(hooks[1]?.json.id);
    expect(hooks[0]?.json.data).toMatchObject({ thresholdPercent: 50, budget: { kind: 'tag', value: 'team:a' } });
    const { organization } = await g.t.gqlOk<{ organization: { webhooks: { deliveries: any[] }[] } }>(LOG, { id: tenant.organizationId });
    // 12.6 µUSD of a 20 µUSD budget: past 50 %, not yet 80 %.
    expect(organization.webhooks[0]?.deliveries).toEqual([
      expect.objectContaining({ status: 'DELIVERED', attempts: 2, lastStatusCode: 200, eventType: 'budget.threshold' }),
    ]);
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_webhook_deliveries_total', { result: 'retry' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'keyplane_alert_events_total', { event: 'budget.threshold' })).toBeGreaterThanOrEqual(1);
  });

  it('logs what a failing receiver answered, scrubbed of secrets, and retries until it succeeds', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    await createWebhook(tenant, ['credits.low']);
    receiver.answerNext(500, 500);
    await new AlertOutbox(g.t.server.db.prisma).record({
      eventKey: `credits.low:test:${tenant.organizationId}`,
      type: 'credits.low',
      organizationId: tenant.organizationId,
      data: { balanceUsd: '0.4', thresholdUsd: '0.5' },
    });
    await receiver.waitFor(1, ofOrganization(tenant.organizationId));
    const deadline = Date.now() + 5_000;
    let delivery = await g.t.server.db.prisma.webhookDelivery.findFirst({ where: { event: { organizationId: tenant.organizationId } } });
    while (delivery?.lastStatusCode !== 500 && delivery?.status !== 'DELIVERED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      delivery = await g.t.server.db.prisma.webhookDelivery.findFirst({ where: { event: { organizationId: tenant.organizationId } } });
    }
    expect(delivery).toMatchObject({ status: 'PENDING', lastStatusCode: 500 });
    expect(delivery?.lastResponse).toContain('failed with 500');
    expect(delivery?.lastResponse).not.toContain('sk-proj-abcdefghijklmnop1234567890');
    await receiver.waitFor(3, ofOrganization(tenant.organizationId));
  });

  it('credits.low fires once when the balance falls below the level set on the organization', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '0.00003' });
    await createWebhook(tenant, ['credits.low', 'budget.threshold']);
    await g.t.gqlOk(
      'mutation($id: ID!, $input: UpdateOrganizationInput!) { updateOrganization(id: $id, input: $input) { creditsLowThresholdUsd } }',
      {
        id: tenant.organizationId,
        input: { creditsLowThresholdUsd: '0.00002' },
      },
    );
    await settledCall(tenant);
    await settledCall(tenant);
    const [hook] = await receiver.waitFor(1, (h) => ofOrganization(tenant.organizationId)(h) && h.json.type === 'credits.low');
    expect(hook?.json.data).toEqual({ balanceUsd: expect.any(String), thresholdUsd: '0.00002' });
    expect(Number(hook?.json.data.balanceUsd)).toBeLessThan(0.00002);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.filter((h) => ofOrganization(tenant.organizationId)(h) && h.json.type === 'credits.low')).toHaveLength(1);
  });

  it('concurrent requests crossing at once, and two dispatchers working the outbox, still deliver each crossing once', async () => {
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1', key: { budgetUsd: '0.00005', budgetPeriod: 'TOTAL' } });
    await createWebhook(tenant, ['budget.threshold']);
    // A second instance's dispatcher on the same database, racing the server's own.
    const second = new WebhookDispatcher(
      g.t.server.db.prisma,
      KeyRing.fromEnv(encryptionKey),
      createLogger({ level: 'silent' }),
      createMetrics(),
      { intervalMs: 10, retryBaseMs: 100, allowPrivate: true },
    );
    second.start();
    try {
      for (let round = 0; round < 3; round += 1) {
        const results = await Promise.all(Array.from({ length: 4 }, () => chat(g.t, tenant.secret, BODY)));
        for (const result of results) if (result.status === 200) await usageOf(g.t, result.requestId);
      }
      await receiver.waitFor(3, ofOrganization(tenant.organizationId));
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await second.stop();
    }
    const mine = receiver.received.filter(ofOrganization(tenant.organizationId));
    expect(mine.map((hook) => hook.json.data.thresholdPercent).sort((a, b) => a - b)).toEqual([50, 80, 100]);
    expect(new Set(mine.map((hook) => hook.json.id)).size).toBe(3);
    // The same crossing recorded by two instances at once is one event.
    const outbox = new AlertOutbox(g.t.server.db.prisma);
    const event = { eventKey: `dup:${tenant.organizationId}`, type: 'credits.low', organizationId: tenant.organizationId, data: {} };
    expect((await Promise.all([outbox.record(event), outbox.record(event)])).filter(Boolean)).toHaveLength(1);
  });

  it('keeps organizations apart: ADMIN+ of its own organization only; secrets never listed', async () => {
    const a = await createTenant(g.t, { mode: 'CREDITS' });
    const b = await createTenant(g.t, { mode: 'CREDITS' });
    const hookB = await createWebhook(b, ['credits.low']);
    const adminA = await seedUser(g.t, a.organizationId, 'ADMIN');
    const memberB = await seedUser(g.t, b.organizationId, 'MEMBER');
    const read = await g.t.gql(LOG, { id: b.organizationId }, adminA.token);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const del = await g.t.gql('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hookB.id }, adminA.token);
    expect(del.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const create = await g.t.gql(
      CREATE,
      { input: { organizationId: b.organizationId, url: receiver.url, events: ['credits.low'] } },
      adminA.token,
    );
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asMember = await g.t.gql(LOG, { id: b.organizationId }, memberB.token);
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const platform = await g.t.gql(CREATE, { input: { url: receiver.url, events: ['hosted_key.disabled'] } }, adminA.token);
    expect(platform.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const wrongEvent = await g.t.gql(CREATE, {
      input: { organizationId: b.organizationId, url: receiver.url, events: ['hosted_key.disabled'] },
    });
    expect(wrongEvent.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const listed = await g.t.gqlOk<{ organization: { webhooks: { id: string }[] } }>(LOG, { id: b.organizationId });
    expect(JSON.stringify(listed)).not.toContain(hookB.secret);
    await g.t.gqlOk('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hookB.id });
    const audit = await g.t.server.db.prisma.auditEntry.findMany({
      where: { targetId: hookB.id },
      select: { action: true, details: true },
    });
    expect(audit.map((entry) => entry.action).sort()).toEqual(['webhook.create', 'webhook.delete']);
    expect(JSON.stringify(audit)).not.toContain(hookB.secret);
  });
});

describe('webhook URLs and private addresses', () => {
  let t: TestServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestServer('pglite', { WEBHOOK_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100' });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it.each([
    'http://127.0.0.1:9/x',
    'http://169.254.169.254/latest',
    'http://[::1]/x',
    'http://0x7f.1/x',
    'ftp://example.com/x',
    'http://u:p@example.com/',
  ])('refuses %s at creation', async (url) => {
    const tenant = await createTenant(t, { mode: 'CREDITS' });
    const result = await t.gql(CREATE, { input: { organizationId: tenant.organizationId, url, events: ['credits.low'] } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a private address at delivery time too (a name that resolved elsewhere when it was saved)', async () => {
    const tenant = await createTenant(t, { mode: 'CREDITS' });
    const created = await t.gqlOk<{ createWebhook: { webhook: { id: string } } }>(CREATE, {
      input: { organizationId: tenant.organizationId, url: 'https://hooks.example.com/x', events: ['credits.low'] },
    });
    // As if DNS now answered with a loopback address: the row points inside.
    await t.server.db.prisma.webhook.update({ where: { id: created.createWebhook.webhook.id }, data: { url: receiver.url } });
    await new AlertOutbox(t.server.db.prisma).record({
      eventKey: `private:${tenant.organizationId}`,
      type: 'credits.low',
      organizationId: tenant.organizationId,
      data: {},
    });
    const deadline = Date.now() + 5_000;
    let delivery = null;
    while (Date.now() < deadline) {
      delivery = await t.server.db.prisma.webhookDelivery.findFirst({ where: { webhookId: created.createWebhook.webhook.id } });
      if (delivery && delivery.attempts > 0 && delivery.lastResponse) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(delivery?.lastResponse).toMatch(/private|loopback|not allowed|refused/i);
    expect(delivery?.lastStatusCode).toBeNull();
    expect(receiver.received).toHaveLength(0);
    expect(
      metricValue(await metrics(t as unknown as GatewayEnv['t']), 'keyplane_webhook_deliveries_total', { result: 'refused' }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('operator alerts for the hosted pool', () => {
  const POOL = { OPENAI_API_KEY_1: fakeKey('openai', 'alertpool1'), OPENAI_API_KEY_2: fakeKey('openai', 'alertpool2') };
  let g: GatewayEnv;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    g = await startGatewayEnv('pglite', {
      ...POOL,
      HOSTED_KEY_LLM: 'true',
      KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      WEBHOOK_INTERVAL_MS: '50',
    });
  });
  afterAll(async () => {
    await g?.close();
    await receiver?.close();
  });

  it('a platform webhook hears of a hosted key disabled after an auth failure, and of a provider whose keys all rest', async () => {
    const created = await g.t.gqlOk<{ createWebhook: { secret: string } }>(CREATE, {
      input: { url: receiver.url, events: ['hosted_key.disabled', 'provider.cooling_down'] },
    });
    const tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '1' });
    g.sim.setKeyBehavior(POOL.OPENAI_API_KEY_1, { kind: 'unauthorized' });
    g.sim.setKeyBehavior(POOL.OPENAI_API_KEY_2, { kind: 'rate-limit', retryAfterSeconds: 30 });
    for (let i = 0; i < 3; i += 1) await chat(g.t, tenant.secret, BODY);
    const disabled = await receiver.waitFor(1, (hook) => hook.json.type === 'hosted_key.disabled');
    expect(disabled[0]?.json).toMatchObject({ organizationId: null, data: { provider: 'openai', keyName: 'OPENAI_API_KEY_1' } });
    expect(disabled[0]?.body).not.toContain(POOL.OPENAI_API_KEY_1);
    expect(
      verifyWebhookSignature(created.createWebhook.secret, disabled[0]!.body, disabled[0]!.headers['x-keyplane-signature'] as string),
    ).toBe(true);
    const cooling = await receiver.waitFor(1, (hook) => hook.json.type === 'provider.cooling_down');
    expect(cooling[0]?.json.data).toMatchObject({ provider: 'openai' });
    const text = await metrics(g.t);
    expect(metricValue(text, 'keyplane_alert_events_total', { event: 'hosted_key.disabled' })).toBe(1);
    expect(receiver.received.filter((hook) => hook.json.type === 'hosted_key.disabled')).toHaveLength(1);
  });
});
