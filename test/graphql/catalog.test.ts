import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, expectAudit, type SeededUser, seedOrganization, seedUser } from '../support/control-plane.js';
import { availableBackends } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SET_PRICE = `mutation($input: SetModelPriceInput!) { setModelPrice(input: $input) {
  id provider model organizationId inputUsdPerMtok cachedInputUsdPerMtok outputUsdPerMtok effectiveFrom note } }`;
const DELETE_PRICE = 'mutation($id: ID!) { deleteModelPrice(id: $id) { id } }';
const SET_ALIAS = 'mutation($input: SetModelAliasInput!) { setModelAlias(input: $input) { id name organizationId targets } }';
const DELETE_ALIAS = 'mutation($id: ID!) { deleteModelAlias(id: $id) { id } }';
const SET_ACCESS = `mutation($input: SetOrganizationModelAccessInput!) {
  setOrganizationModelAccess(input: $input) { organizationId allowedModels deniedModels } }`;
const OVERRIDES = 'query($o: ID) { modelPriceOverrides(organizationId: $o) { id provider model organizationId inputUsdPerMtok } }';
const MODELS = `{ models { id offers { provider providerModel
  price { input cachedInput cacheWrite output tiers source readOn } overrides { id organizationId } } } }`;

interface Offer {
  provider: string;
  providerModel: string;
  price: {
    input: number;
    cachedInput: number | null;
    cacheWrite: number | null;
    output: number;
    tiers: string | null;
    source: string;
    readOn: string;
  } | null;
  overrides: { id: string; organizationId: string | null }[];
}

const price = (model: string, extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model,
  inputUsdPerMtok: '0.1',
  outputUsdPerMtok: '0.4',
  ...extra,
});

describe.each(availableBackends())('catalog operations on %s', (backend) => {
  let t: TestServer;
  let org: { id: string };
  let other: { id: string };
  let owner: SeededUser;
  let otherOwner: SeededUser;

  beforeAll(async () => {
    t = await startTestServer(backend);
    org = await seedOrganization(t);
    other = await seedOrganization(t);
    owner = await seedUser(t, org.id, 'OWNER');
    otherOwner = await seedUser(t, other.id, 'OWNER');
  });
  afterAll(() => t?.close());

  const overrides = () => t.server.services.catalogOverrides;
  const offerOf = async (provider: string, providerModel: string, token?: string) => {
    const data = await t.gqlOk<{ models: { offers: Offer[] }[] }>(MODELS, {}, token);
    return data.models.flatMap((m) => m.offers).find((o) => o.provider === provider && o.providerModel === providerModel);
  };

  it('setModelPrice validates its input and is for operators only', async () => {
    const bad = async (input: Record<string, unknown>) => codesOf(await t.gql(SET_PRICE, { input }));
    expect(await bad(price('gpt-4o-mini', { inputUsdPerMtok: '-1' }))).toEqual(['BAD_USER_INPUT']);
    expect(await bad(price('gpt-4o-mini', { outputUsdPerMtok: 'ten' }))).toEqual(['BAD_USER_INPUT']);
    expect(await bad(price('gpt-4o-mini', { provider: 'nobody' }))).toEqual(['BAD_USER_INPUT']);
    expect(await bad(price('has space'))).toEqual(['BAD_USER_INPUT']);
    expect(await bad(price('gpt-4o-mini', { organizationId: '00000000-0000-0000-0000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await t.gql(SET_PRICE, { input: price('gpt-4o-mini', { organizationId: org.id }) }, owner.token))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('a global price applies on the next read, and the models list shows it as an override', async () => {
    const model = 'gpt-4o-mini';
    const before = await offerOf('openai', model);
    expect(before?.price?.source).not.toBe('override');
    expect(before?.price?.input).toBe(0.15);
    // Read once so the cache holds the state before the change.
    expect(await overrides().priceOverride('openai', model, org.id, new Date())).toBeNull();

    const { setModelPrice: row } = await t.gqlOk<{ setModelPrice: { id: string; inputUsdPerMtok: string } }>(SET_PRICE, {
      input: price(model, { cachedInputUsdPerMtok: '0.05', note: 'negotiated' }),
    });
    expect(row.inputUsdPerMtok).toBe('0.1');
    const applied = await overrides().priceOverride('openai', model, org.id, new Date());
    expect(applied).toMatchObject({ id: row.id, scope: 'global', input: '0.1', cachedInput: '0.05', cacheWrite: null, output: '0.4' });

    const after = await offerOf('openai', model, owner.token);
    expect(after?.price).toMatchObject({ input: 0.1, cachedInput: 0.05, output: 0.4, source: 'override' });
    expect(after?.overrides.map((o) => o.id)).toContain(row.id);

    const entry = await expectAudit(t, null, { action: 'model-price.set', targetId: row.id });
    expect(entry.details).toMatchObject({
      provider: 'openai',
      model,
      scope: 'global',
      old: null,
      new: { inputUsdPerMtok: '0.1', cachedInputUsdPerMtok: '0.05', outputUsdPerMtok: '0.4' },
    });
  });

  it("an organization's price wins over the global one for that organization only, and only it sees it", async () => {
    const model = 'gpt-4.1-mini';
    const { setModelPrice: global } = await t.gqlOk<{ setModelPrice: { id: string } }>(SET_PRICE, { input: price(model) });
    const { setModelPrice: own } = await t.gqlOk<{ setModelPrice: { id: string } }>(SET_PRICE, {
      input: price(model, { organizationId: org.id, inputUsdPerMtok: '0.05' }),
    });
    const now = new Date();
    expect(await overrides().priceOverride('openai', model, org.id, now)).toMatchObject({
      id: own.id,
      scope: 'organization',
      input: '0.05',
    });
    expect(await overrides().priceOverride('openai', model, other.id, now)).toMatchObject({ id: global.id, scope: 'global' });

    const mine = await t.gqlOk<{ modelPriceOverrides: { id: string }[] }>(OVERRIDES, {}, owner.token);
    expect(mine.modelPriceOverrides.map((o) => o.id)).toEqual(expect.arrayContaining([global.id, own.id]));
    const theirs = await t.gqlOk<{ modelPriceOverrides: { id: string }[] }>(OVERRIDES, {}, otherOwner.token);
    expect(theirs.modelPriceOverrides.map((o) => o.id)).toContain(global.id);
    expect(theirs.modelPriceOverrides.map((o) => o.id)).not.toContain(own.id);
    expect(codesOf(await t.gql(OVERRIDES, { o: org.id }, otherOwner.token))).toEqual(['FORBIDDEN']);
    expect((await offerOf('openai', model, otherOwner.token))?.overrides.map((o) => o.id)).not.toContain(own.id);

    const entry = await expectAudit(t, org.id, { action: 'model-price.set', targetId: own.id });
    expect(entry.details).toMatchObject({ scope: 'organization', old: null, new: { inputUsdPerMtok: '0.05' } });
  });

  it('a price dated in the future applies from that date; a newer one replaces the old and the audit shows both', async () => {
    const model = 'gpt-4.1-nano';
    const { setModelPrice: first } = await t.gqlOk<{ setModelPrice: { id: string } }>(SET_PRICE, { input: price(model) });
    const later = new Date(Date.now() + 86_400_000);
    const { setModelPrice: future } = await t.gqlOk<{ setModelPrice: { id: string } }>(SET_PRICE, {
      input: price(model, { inputUsdPerMtok: '0.2', effectiveFrom: later.toISOString() }),
    });
    expect((await overrides().priceOverride('openai', model, org.id, new Date()))?.id).toBe(first.id);
    expect((await overrides().priceOverride('openai', model, org.id, new Date(later.getTime() + 1)))?.id).toBe(future.id);
    const entry = await expectAudit(t, null, { action: 'model-price.set', targetId: future.id });
    expect(entry.details).toMatchObject({ old: { inputUsdPerMtok: '0.1' }, new: { inputUsdPerMtok: '0.2' } });
  });

  it('deleteModelPrice stops an override from now on, audited; deleting again is not found', async () => {
    const model = 'o3-mini';
    const { setModelPrice: row } = await t.gqlOk<{ setModelPrice: { id: string } }>(SET_PRICE, { input: price(model) });
    const before = new Date();
    expect(codesOf(await t.gql(DELETE_PRICE, { id: row.id }, owner.token))).toEqual(['FORBIDDEN']);
    await t.gqlOk(DELETE_PRICE, { id: row.id });
    expect(await overrides().priceOverride('openai', model, org.id, new Date())).toBeNull();
    // A request that started before the deletion is still priced by it.
    expect((await overrides().priceOverride('openai', model, org.id, before))?.id).toBe(row.id);
    await expectAudit(t, null, { action: 'model-price.delete', targetId: row.id });
    expect(codesOf(await t.gql(DELETE_PRICE, { id: row.id }))).toEqual(['NOT_FOUND']);
  });

  it('setModelAlias validates, replaces in place, and an organization alias wins over a global one', async () => {
    const bad = async (input: Record<string, unknown>) => codesOf(await t.gql(SET_ALIAS, { input }));
    expect(await bad({ name: 'openai/fast', targets: ['groq/llama-3.3-70b-versatile'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ name: 'gpt-4o-mini', targets: ['groq/llama-3.3-70b-versatile'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ name: 'fast', targets: [] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ name: 'fast', targets: Array.from({ length: 11 }, (_, i) => `groq/m${i}`) })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ name: 'fast', targets: ['groq/has space'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ name: 'fast', targets: ['fast'] })).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await t.gql(SET_ALIAS, { input: { name: 'fast', targets: ['gpt-4o-mini'] } }, owner.token))).toEqual(['FORBIDDEN']);

    expect(await overrides().alias('fast', org.id)).toBeNull();
    const { setModelAlias: global } = await t.gqlOk<{ setModelAlias: { id: string } }>(SET_ALIAS, {
      input: { name: 'fast', targets: ['groq/llama-3.3-70b-versatile', 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo'] },
    });
    expect(await overrides().alias('fast', org.id)).toEqual([
      'groq/llama-3.3-70b-versatile',
      'together/meta-llama/Llama-3.3-70B-Instruct-Turbo',
    ]);
    const { setModelAlias: own } = await t.gqlOk<{ setModelAlias: { id: string } }>(SET_ALIAS, {
      input: { name: 'fast', targets: ['openai/gpt-4o-mini'], organizationId: org.id },
    });
    expect(await overrides().alias('fast', org.id)).toEqual(['openai/gpt-4o-mini']);
    expect(await overrides().alias('fast', other.id)).toHaveLength(2);

    const { setModelAlias: replaced } = await t.gqlOk<{ setModelAlias: { id: string } }>(SET_ALIAS, {
      input: { name: 'fast', targets: ['groq/llama-3.1-8b-instant'] },
    });
    expect(replaced.id).toBe(global.id);
    const entry = await expectAudit(t, null, { action: 'model-alias.set', targetId: global.id });
    expect(entry.details).toMatchObject({ old: expect.any(Array), new: ['groq/llama-3.1-8b-instant'] });

    const aliases = await t.gqlOk<{ modelAliases: { id: string }[] }>('{ modelAliases { id } }', {}, otherOwner.token);
    expect(aliases.modelAliases.map((a) => a.id)).toEqual([global.id]);

    await t.gqlOk(DELETE_ALIAS, { id: own.id });
    expect(await overrides().alias('fast', org.id)).toEqual(['groq/llama-3.1-8b-instant']);
    await expectAudit(t, org.id, { action: 'model-alias.delete', targetId: own.id });
    expect(codesOf(await t.gql(DELETE_ALIAS, { id: own.id }))).toEqual(['NOT_FOUND']);
  });

  it("setOrganizationModelAccess replaces an organization's lists, audited, for operators only", async () => {
    const input = { organizationId: org.id, allowedModels: ['openai/*', 'claude-haiku-4-5'], deniedModels: ['openai/gpt-5'] };
    expect(codesOf(await t.gql(SET_ACCESS, { input }, owner.token))).toEqual(['FORBIDDEN']);
    expect(codesOf(await t.gql(SET_ACCESS, { input: { ...input, deniedModels: ['bad model'] } }))).toEqual(['BAD_USER_INPUT']);
    expect(await overrides().modelAccess(org.id)).toEqual({ allowed: [], denied: [] });
    const data = await t.gqlOk<{ setOrganizationModelAccess: unknown }>(SET_ACCESS, { input });
    expect(data.setOrganizationModelAccess).toEqual(input);
    expect(await overrides().modelAccess(org.id)).toEqual({ allowed: input.allowedModels, denied: input.deniedModels });
    const entry = await expectAudit(t, org.id, { action: 'organization.model-access.set', targetId: org.id });
    expect(entry.details).toMatchObject({ old: { allowedModels: [] }, new: { deniedModels: ['openai/gpt-5'] } });
  });

  it('models lists hundreds of models with their price source, date and tiers', async () => {
    const data = await t.gqlOk<{ models: { id: string; offers: Offer[] }[] }>(MODELS, {}, owner.token);
    const offers = data.models.flatMap((m) => m.offers);
    expect(offers.length).toBeGreaterThan(300);
    const pro = offers.find((o) => o.provider === 'google' && o.providerModel === 'gemini-2.5-pro');
    expect(pro?.price).toMatchObject({ input: 1.25, source: expect.stringContaining('@pydantic/genai-prices') });
    expect(pro?.price?.tiers).toContain('over 200k input tokens: input $2.5');
    const sonnet = offers.find((o) => o.provider === 'anthropic' && o.price?.cacheWrite === 3.75);
    expect(sonnet).toBeDefined();
  });
});
