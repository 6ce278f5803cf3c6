import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../server/secrets/tokens.js';
import { codesOf, expectAudit, type SeededUser, seedOrganization, seedProject, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SET_KEY = 'mutation($input: SetProviderKeyInput!) { setProviderKey(input: $input) { id organizationId provider region mask } }';
const CREATE_GATEWAY_KEY = `mutation($input: CreateGatewayKeyInput!) { createGatewayKey(input: $input) {
  secret key { id projectId name prefix rpmLimit budgetUsd budgetPeriod allowedModels expiresAt revokedAt } } }`;

describe.each(availableBackends())('provider keys and gateway keys on %s', (backend) => {
  let t: TestServer;
  let org: { id: string };
  let project: { id: string };
  let admin: SeededUser;
  let member: SeededUser;

  beforeAll(async () => {
    t = await startTestServer(backend);
    org = await seedOrganization(t);
    project = await seedProject(t, org.id);
    admin = await seedUser(t, org.id, 'ADMIN');
    member = await seedUser(t, org.id, 'MEMBER');
  });
  afterAll(() => t?.close());

  describe('setProviderKey / deleteProviderKey', () => {
    it('stores a key and replies with only a mask, auditing create and replace', async () => {
      const key = `sk-ant-api03-${randomBase62(40)}a1b2`;
      const data = await t.gqlOk<{ setProviderKey: Record<string, string> }>(
        SET_KEY,
        { input: { organizationId: org.id, provider: 'Anthropic', key } },
        admin.token,
      );
      expect(data.setProviderKey).toMatchObject({ organizationId: org.id, provider: 'anthropic', region: '', mask: 'sk-ant-…a1b2' });
      expect(JSON.stringify(data)).not.toContain(key.slice(7, 30));
      const id = data.setProviderKey.id as string;
      const created = await expectAudit(t, org.id, { action: 'provider-key.create', targetId: id, actor: admin.email });
      expect(created.details).toEqual({ provider: 'anthropic', region: '', mask: 'sk-ant-…a1b2' });

      const replacement = `sk-ant-api03-${randomBase62(40)}c3d4`;
      const replaced = await t.gqlOk<{ setProviderKey: Record<string, string> }>(
        SET_KEY,
        { input: { organizationId: org.id, provider: 'anthropic', key: replacement } },
        admin.token,
      );
      expect(replaced.setProviderKey).toMatchObject({ id, mask: 'sk-ant-…c3d4' });
      const replaceEntry = await expectAudit(t, org.id, { action: 'provider-key.replace', targetId: id });
      expect(replaceEntry.details).toMatchObject({ mask: 'sk-ant-…c3d4', previousMask: 'sk-ant-…a1b2' });

      const listed = await t.gqlOk<{ organization: { providerKeys: Record<string, string>[] } }>(
        'query($id: ID!) { organization(id: $id) { providerKeys { id provider region mask } } }',
        { id: org.id },
        member.token,
      );
      expect(listed.organization.providerKeys).toEqual([{ id, provider: 'anthropic', region: '', mask: 'sk-ant-…c3d4' }]);
    });

    it('keeps one key per provider and region', async () => {
      const eu = await t.gqlOk<{ setProviderKey: { id: string; region: string; mask: string } }>(SET_KEY, {
        input: { organizationId: org.id, provider: 'openai', region: 'EU', key: `sk-proj-${randomBase62(30)}9z9z` },
      });
      expect(eu.setProviderKey).toMatchObject({ region: 'eu', mask: 'sk-…9z9z' });
      const global = await t.gqlOk<{ setProviderKey: { id: string } }>(SET_KEY, {
        input: { organizationId: org.id, provider: 'openai', key: `sk-${randomBase62(30)}` },
      });
      expect(global.setProviderKey.id).not.toBe(eu.setProviderKey.id);
    });

    it('validates the key per provider without echoing it', async () => {
      const cases: [string, string][] = [
        ['openai', `AIza${randomBase62(35)}`],
        ['anthropic', `sk-${randomBase62(30)}`],
        ['google', `sk-${randomBase62(30)}`],
        ['groq', 'gsk_short'],
        ['mistral', 'has spaces in it but is long'],
        ['nope-provider', `sk-${randomBase62(30)}`],
      ];
      for (const [provider, key] of cases) {
        const result = await t.gql(SET_KEY, { input: { organizationId: org.id, provider, key } });
        expect(codesOf(result), `${provider} ${key}`).toEqual(['BAD_USER_INPUT']);
        expect(JSON.stringify(result)).not.toContain(key);
      }
      const google = await t.gqlOk<{ setProviderKey: { mask: string } }>(SET_KEY, {
        input: { organizationId: org.id, provider: 'google', key: `AIza${randomBase62(35)}` },
      });
      expect(google.setProviderKey.mask).toMatch(/^AIza…[A-Za-z0-9]{4}$/);
    });

    it('needs ADMIN+ to set or delete keys', async () => {
      const denied = await t.gql(SET_KEY, { input: { organizationId: org.id, provider: 'mistral', key: randomBase62(32) } }, member.token);
      expect(codesOf(denied)).toEqual(['FORBIDDEN']);
      const created = await t.gqlOk<{ setProviderKey: { id: string } }>(
        SET_KEY,
        { input: { organizationId: org.id, provider: 'mistral', key: randomBase62(32) } },
        admin.token,
      );
      const id = created.setProviderKey.id;
      const byMember = await t.gql('mutation($id: ID!) { deleteProviderKey(id: $id) }', { id }, member.token);
      expect(codesOf(byMember)).toEqual(['FORBIDDEN']);
      const deleted = await t.gqlOk<{ deleteProviderKey: boolean }>(
        'mutation($id: ID!) { deleteProviderKey(id: $id) }',
        { id },
        admin.token,
      );
      expect(deleted.deleteProviderKey).toBe(true);
      const entry = await expectAudit(t, org.id, { action: 'provider-key.delete', targetId: id, actor: admin.email });
      expect(entry.details).toMatchObject({ provider: 'mistral' });
      const again = await t.gql('mutation($id: ID!) { deleteProviderKey(id: $id) }', { id }, admin.token);
      expect(codesOf(again)).toEqual(['NOT_FOUND']);
    });
  });

  describe('createGatewayKey / revokeGatewayKey', () => {
    it('returns a kp_ + 40 base62 secret once, with limits, and lists only the prefix after', async () => {
      const data = await t.gqlOk<{ createGatewayKey: { secret: string; key: Record<string, unknown> } }>(
        CREATE_GATEWAY_KEY,
        {
          input: {
            projectId: project.id,
            name: 'ci',
            rpmLimit: 60,
            budgetUsd: '25.50',
            budgetPeriod: 'MONTHLY',
            allowedModels: ['gpt-4o-mini', ' gpt-4o-mini '],
            expiresAt: '2099-01-01T00:00:00.000Z',
          },
        },
        admin.token,
      );
      const { secret, key } = data.createGatewayKey;
      expect(secret).toMatch(/^kp_[0-9A-Za-z]{40}$/);
      expect(key).toMatchObject({
        projectId: project.id,
        name: 'ci',
        rpmLimit: 60,
        budgetUsd: '25.5',
        budgetPeriod: 'MONTHLY',
        allowedModels: ['gpt-4o-mini'],
        expiresAt: '2099-01-01T00:00:00.000Z',
        revokedAt: null,
      });
      expect(secret.startsWith(key.prefix as string)).toBe(true);
      expect((key.prefix as string).length).toBeLessThan(12);

      const entry = await expectAudit(t, org.id, { action: 'gateway-key.create', targetId: key.id as string, actor: admin.email });
      expect(entry.details).toMatchObject({ name: 'ci', prefix: key.prefix, rpmLimit: 60, budgetUsd: '25.50', budgetPeriod: 'MONTHLY' });
      expect(JSON.stringify(entry)).not.toContain(secret);

      const listed = await t.gql<{ project: { gatewayKeys: { id: string; prefix: string }[] } }>(
        'query($id: ID!) { project(id: $id) { gatewayKeys { id prefix name } } }',
        { id: project.id },
        member.token,
      );
      expect(listed.data?.project.gatewayKeys.map((k) => k.id)).toContain(key.id);
      expect(t.responses.at(-1)).not.toContain(secret);
      const secretsSeen = t.responses.filter((body) => body.includes(secret));
      expect(secretsSeen).toHaveLength(1);

      const stored = await t.server.db.prisma.gatewayKey.findUniqueOrThrow({ where: { id: key.id as string } });
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('issues a fresh secret per key', async () => {
      const secrets = new Set<string>();
      for (let i = 0; i < 3; i += 1) {
        const data = await t.gqlOk<{ createGatewayKey: { secret: string } }>(CREATE_GATEWAY_KEY, {
          input: { projectId: project.id, name: `k${i}` },
        });
        secrets.add(data.createGatewayKey.secret);
      }
      expect(secrets.size).toBe(3);
    });

    it('rejects bad limits', async () => {
      const inputs = [
        { name: 'x', budgetUsd: '10' },
        { name: 'x', budgetPeriod: 'TOTAL' },
        { name: 'x', rpmLimit: 0 },
        { name: 'x', expiresAt: '2001-01-01T00:00:00.000Z' },
        { name: '   ' },
        { name: 'x', allowedModels: [''] },
      ];
      for (const input of inputs) {
        const result = await t.gql(CREATE_GATEWAY_KEY, { input: { projectId: project.id, ...input } });
        expect(codesOf(result), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('needs ADMIN+ to create or revoke, audits the revocation, and revoking twice is harmless', async () => {
      const byMember = await t.gql(CREATE_GATEWAY_KEY, { input: { projectId: project.id, name: 'm' } }, member.token);
      expect(codesOf(byMember)).toEqual(['FORBIDDEN']);
      const created = await t.gqlOk<{ createGatewayKey: { key: { id: string } } }>(
        CREATE_GATEWAY_KEY,
        { input: { projectId: project.id, name: 'to-revoke' } },
        admin.token,
      );
      const id = created.createGatewayKey.key.id;
      const revokeByMember = await t.gql('mutation($id: ID!) { revokeGatewayKey(id: $id) { id } }', { id }, member.token);
      expect(codesOf(revokeByMember)).toEqual(['FORBIDDEN']);

      const revoked = await t.gqlOk<{ revokeGatewayKey: { revokedAt: string | null } }>(
        'mutation($id: ID!) { revokeGatewayKey(id: $id) { revokedAt } }',
        { id },
        admin.token,
      );
      expect(Date.parse(revoked.revokeGatewayKey.revokedAt as string)).toBeGreaterThan(Date.now() - 60_000);
      await expectAudit(t, org.id, { action: 'gateway-key.revoke', targetId: id, actor: admin.email });
      const again = await t.gqlOk<{ revokeGatewayKey: { revokedAt: string } }>(
        'mutation($id: ID!) { revokeGatewayKey(id: $id) { revokedAt } }',
        { id },
        admin.token,
      );
      expect(again.revokeGatewayKey.revokedAt).toBe(revoked.revokeGatewayKey.revokedAt);
      const unknown = await t.gql('mutation { revokeGatewayKey(id: "00000000-0000-0000-0000-000000000000") { id } }');
      expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
    });
  });
});
