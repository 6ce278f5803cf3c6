import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../support/test-database.js';
import { createTenant, fakeKey, type GatewayEnv, HELLO, startGatewayEnv, type Tenant, usageOf } from './support/tenant.js';

const ENV_KEYS = { OPENAI_API_KEY: fakeKey('openai'), ANTHROPIC_API_KEY: fakeKey('anthropic') };

/** Attribution (SPEC §4): tags and the end user reach the usage record from every front door. */
describe.each(availableBackends())('attribution on %s', (backend) => {
  let g: GatewayEnv;
  let tenant: Tenant;

  const post = async (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await g.t.fetch(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tenant.secret}`,
        'anthropic-version': '2023-06-01',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text(), requestId: response.headers.get('x-keyplane-request-id') ?? '' };
  };

  beforeAll(async () => {
    g = await startGatewayEnv(backend, ENV_KEYS);
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5', key: { defaultTags: ['team:core'] } });
  });
  afterAll(() => g?.close());

  it.each([
    ['/v1/chat/completions', 'openai-chat', { model: 'gpt-4o-mini', messages: HELLO, user: 'alice' }, 'alice'],
    ['/v1/responses', 'openai-responses', { model: 'gpt-4o-mini', input: 'Hi', user: 'bob' }, 'bob'],
    [
      '/v1/messages',
      'anthropic-messages',
      { model: 'claude-haiku-4-5', max_tokens: 50, messages: HELLO, metadata: { user_id: 'carol' } },
      'carol',
    ],
    ['/v1/embeddings', 'embeddings', { model: 'text-embedding-3-small', input: 'Hi', user: 'dave' }, 'dave'],
  ] as const)('%s records the tags (header merged with the key defaults) and the end user', async (path, endpoint, body, endUser) => {
    const result = await post(path, body, { 'x-keyplane-tags': 'feature/chat, env:prod,team:core' });
    expect(result.status, result.text).toBe(200);
    const usage = await usageOf(g.t, result.requestId);
    expect(usage).toMatchObject({ status: 'SUCCESS', endpoint, endUser, tags: ['env:prod', 'feature/chat', 'team:core'] });
  });

  it('without the header: the key default tags only, and no end user', async () => {
    const result = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: HELLO });
    expect(result.status, result.text).toBe(200);
    expect(await usageOf(g.t, result.requestId)).toMatchObject({ tags: ['team:core'], endUser: null });
  });

  it('shows the attribution on the request log', async () => {
    const result = await post(
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', messages: HELLO, user: 'erin' },
      { 'x-keyplane-tags': 'b,a' },
    );
    await usageOf(g.t, result.requestId);
    const { requestLog } = await g.t.gqlOk<{ requestLog: { tags: string[]; endUser: string | null } }>(
      'query($id: String!) { requestLog(requestId: $id) { tags endUser } }',
      { id: result.requestId },
    );
    expect(requestLog).toEqual({ tags: ['a', 'b', 'team:core'], endUser: 'erin' });
  });

  it.each([
    ['eleven tags', Array.from({ length: 11 }, (_, i) => `t${i}`).join(','), 'at most 10 tags'],
    ['ten tags plus the key default', Array.from({ length: 10 }, (_, i) => `t${i}`).join(','), 'at most 10 tags'],
    ['a tag over 64 characters', 'a'.repeat(65), 'at most 64 characters'],
    ['a tag with a space', 'team a', 'only the characters'],
    ['a tag with a quote', 'team"a', 'only the characters'],
  ])('refuses %s with a 400 naming the rule', async (_label, header, rule) => {
    const result = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: HELLO }, { 'x-keyplane-tags': header });
    expect(result.status, result.text).toBe(400);
    expect(JSON.parse(result.text).error.message).toContain(rule);
    expect(JSON.parse(result.text).error.message).toContain('x-keyplane-tags');
  });

  it('refuses an end user over 256 characters', async () => {
    const result = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: HELLO, user: 'u'.repeat(257) });
    expect(result.status, result.text).toBe(400);
    expect(JSON.parse(result.text).error.message).toContain('at most 256 characters');
  });

  it("takes Claude Code's metadata.user_id (JSON of a device, an account and a session id) as the end user", async () => {
    const userId = JSON.stringify({ device_id: 'a'.repeat(64), account_uuid: crypto.randomUUID(), session_id: crypto.randomUUID() });
    expect(userId.length).toBeGreaterThan(128);
    const result = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: HELLO, user: userId });
    expect(result.status, result.text).toBe(200);
  });

  it('refuses invalid default tags on a gateway key', async () => {
    const errors = await g.t.gql('mutation($input: CreateGatewayKeyInput!) { createGatewayKey(input: $input) { secret } }', {
      input: { projectId: tenant.projectId, name: 'bad tags', defaultTags: ['has space'] },
    });
    expect(JSON.stringify(errors)).toContain('defaultTags: tags use only the characters');
  });
});
