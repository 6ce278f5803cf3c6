import { describe, expect, it } from 'vitest';
import {
  type AccessToken,
  accessTokenStatus,
  parseAccessTokenForm,
  sortAccessTokens,
} from '../../web/src/features/access-tokens/model/access-token-form.js';
import { auditChanges, describeDetails, describeTarget } from '../../web/src/features/audit/model/audit-entry.js';
import { canOpen, navItems, safeReturnPath } from '../../web/src/features/auth/model/navigation.js';
import {
  customProviderErrors,
  formFromProvider,
  modelReference,
  parseCustomProviderForm,
  parseModelList,
  replacesExisting,
} from '../../web/src/features/custom-providers/model/custom-provider-form.js';
import {
  clearOverrideInput,
  describeReset,
  describeSource,
  type Flag,
  type FlagScopeValue,
  scopeValue,
} from '../../web/src/features/flags/model/flag-display.js';
import {
  describeLimits,
  EMPTY_GATEWAY_KEY_FORM,
  gatewayKeyStatus,
  parseGatewayKeyForm,
} from '../../web/src/features/gateway-keys/model/gateway-key-form.js';
import {
  describeLimiter,
  type LimiterDefaults,
  limiterErrors,
  limiterFormValues,
  limiterInput,
} from '../../web/src/features/hosted-pool/model/limiter-form.js';
import { cooldownRemaining, keyAction, poolSummary, unconfiguredTotal } from '../../web/src/features/hosted-pool/model/pool.js';
import { describeModeChange } from '../../web/src/features/organizations/model/mode-change.js';
import { canManage, canReadAudit, roleLabel } from '../../web/src/features/organizations/model/permissions.js';
import { filterFromParams, filterToParams, toUsageFilter } from '../../web/src/features/request-logs/model/request-filter.js';
import { routingView } from '../../web/src/features/request-logs/model/routing.js';

const NOW = new Date('2025-06-15T10:00:00.000Z');

describe('navigation', () => {
  it('shows platform pages to operators only', () => {
    expect(navItems({ isOperator: true }).map((i) => i.path)).toContain('/flags');
    expect(navItems({ isOperator: false }).map((i) => i.path)).not.toContain('/flags');
    expect(canOpen('/hosted-pool', { isOperator: false })).toBe(false);
    expect(canOpen('/organizations/abc', { isOperator: false })).toBe(true);
    expect(canOpen('/', { isOperator: false })).toBe(true);
    expect(canOpen('/audit', { isOperator: false })).toBe(false);
    expect(navItems({ isOperator: false }).map((i) => i.path)).toContain('/access-tokens');
    expect(navItems({ isOperator: true }).map((i) => i.path)).toContain('/audit');
  });
  it('returns only to same-site paths after sign-in', () => {
    expect(safeReturnPath('/cost?by=MODEL')).toBe('/cost?by=MODEL');
    expect(safeReturnPath('//evil.example')).toBe('/');
    expect(safeReturnPath('https://evil.example')).toBe('/');
    expect(safeReturnPath(null)).toBe('/');
  });
});

describe('permissions', () => {
  it('members are read-only; admins, owners and operators manage', () => {
    expect(canManage({ isOperator: false }, 'MEMBER')).toBe(false);
    expect(canManage({ isOperator: false }, 'ADMIN')).toBe(true);
    expect(canManage({ isOperator: true }, null)).toBe(true);
    expect(roleLabel(null, { isOperator: true })).toBe('Operator');
    expect(roleLabel('OWNER', { isOperator: false })).toBe('Owner');
    expect(canReadAudit({ isOperator: false }, 'MEMBER')).toBe(false);
    expect(canReadAudit({ isOperator: false }, 'ADMIN')).toBe(true);
    expect(canReadAudit({ isOperator: true }, null)).toBe(true);
  });
});

describe('project mode change', () => {
  it('says which key sources are gained and lost and how billing changes', () => {
    const change = describeModeChange('API_KEYS', 'CREDITS');
    expect(change.title).toBe('Switch from API keys (BYOK) to Credits (platform keys)?');
    expect(change.gained).toEqual(["the platform's hosted key pool", "the platform's single legacy key"]);
    expect(change.lost).toEqual(['caller-supplied keys (x-provider-api-key)', "the organization's stored provider keys"]);
    expect(change.lines.join(' ')).toContain('credit balance');
    expect(describeModeChange('CREDITS', 'HYBRID').lost).toEqual([]);
  });
});

describe('gateway key form', () => {
  it('builds the input from the fields', () => {
    const result = parseGatewayKeyForm(
      'p1',
      {
        name: ' ci ',
        rpmLimit: '60',
        budgetUsd: '25.5',
        budgetPeriod: 'MONTHLY',
        allowedModels: 'gpt-4o-mini, claude-haiku-4-5',
        expiresAt: '2025-07-01',
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      input: {
        projectId: 'p1',
        name: 'ci',
        rpmLimit: 60,
        budgetUsd: '25.5',
        budgetPeriod: 'MONTHLY',
        allowedModels: ['gpt-4o-mini', 'claude-haiku-4-5'],
        expiresAt: '2025-07-01T00:00:00.000Z',
      },
    });
    expect(parseGatewayKeyForm('p1', { ...EMPTY_GATEWAY_KEY_FORM, name: 'x' }, NOW)).toEqual({
      ok: true,
      input: { projectId: 'p1', name: 'x' },
    });
  });
  it('reports field errors', () => {
    const result = parseGatewayKeyForm(
      'p1',
      { name: '', rpmLimit: '1.5', budgetUsd: '10', budgetPeriod: '', allowedModels: '', expiresAt: '2025-01-01' },
      NOW,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['budgetPeriod', 'expiresAt', 'name', 'rpmLimit']);
  });
  it('status and limits', () => {
    expect(gatewayKeyStatus({ revokedAt: null, expiresAt: null }, NOW)).toBe('active');
    expect(gatewayKeyStatus({ revokedAt: '2025-01-01T00:00:00Z', expiresAt: null }, NOW)).toBe('revoked');
    expect(gatewayKeyStatus({ revokedAt: null, expiresAt: '2025-06-01T00:00:00Z' }, NOW)).toBe('expired');
    expect(describeLimits({ rpmLimit: 60, budgetUsd: '25', budgetPeriod: 'TOTAL', allowedModels: ['a', 'b'] }, (v) => `$${v}`)).toBe(
      '60 rpm · $25 total · 2 models',
    );
    expect(describeLimits({ rpmLimit: null, budgetUsd: null, budgetPeriod: null, allowedModels: [] }, String)).toBe('No limits');
  });
});

describe('feature flag display (values in force come from the server)', () => {
  const value = (patch: Partial<FlagScopeValue>): FlagScopeValue => ({
    scope: 'ORGANIZATION',
    scopeId: 'o1',
    organizationId: 'o1',
    enabled: true,
    source: 'ORGANIZATION',
    ownOverride: true,
    inherited: { enabled: false, source: 'GLOBAL' },
    ...patch,
  });
  const flag: Flag = {
    key: 'hosted-key-llm',
    description: '',
    enabled: false,
    envOverride: null,
    overrides: [],
    scopes: [
      value({}),
      value({
        scope: 'PROJECT',
        scopeId: 'p1',
        source: 'ORGANIZATION',
        ownOverride: null,
        inherited: { enabled: true, source: 'ORGANIZATION' },
      }),
      value({
        scope: 'PROJECT',
        scopeId: 'p2',
        enabled: false,
        source: 'PROJECT',
        ownOverride: false,
        inherited: { enabled: true, source: 'ORGANIZATION' },
      }),
    ],
  };
  it("finds each row's value as the server computed it", () => {
    expect(scopeValue(flag, { organizationId: 'o1' })?.source).toBe('ORGANIZATION');
    expect(scopeValue(flag, { organizationId: 'o1', projectId: 'p2' })).toMatchObject({ enabled: false, source: 'PROJECT' });
    expect(scopeValue(flag, { organizationId: 'o9' })).toBeNull();
  });
  it('says why, and the environment override says so', () => {
    expect(describeSource(value({}))).toBe('set for this organization');
    expect(describeSource(value({ scope: 'PROJECT', source: 'ORGANIZATION' }))).toBe('inherits the organization');
    expect(describeSource(value({ source: 'GLOBAL' }))).toBe('inherits the global value');
    expect(describeSource(value({ source: 'ENVIRONMENT' }))).toContain('HOSTED_KEY_LLM');
  });
  it('"Reset to inherited" is offered only where the scope has its own override, and says what it would inherit', () => {
    expect(describeReset(scopeValue(flag, { organizationId: 'o1' })!)).toBe('would inherit off from the global value');
    expect(describeReset(scopeValue(flag, { organizationId: 'o1', projectId: 'p2' })!)).toBe('would inherit on from the organization');
    expect(describeReset(scopeValue(flag, { organizationId: 'o1', projectId: 'p1' })!)).toBeNull();
    expect(clearOverrideInput('hosted-key-llm', { organizationId: 'o1', projectId: 'p2' })).toEqual({
      key: 'hosted-key-llm',
      projectId: 'p2',
    });
    expect(clearOverrideInput('hosted-key-llm', { organizationId: 'o1' })).toEqual({ key: 'hosted-key-llm', organizationId: 'o1' });
  });
});

describe('hosted pool', () => {
  const key = (name: string, state: 'AVAILABLE' | 'COOLING_DOWN' | 'DISABLED') => ({
    provider: 'openai',
    name,
    source: 'hosted' as const,
    state,
    cooldownUntil: null,
    disabledReason: null,
    lastUsedAt: null,
    lastHour: { requests: 0, failures: 0, billedCostUsd: '0' },
    lastDay: { requests: 0, failures: 0, billedCostUsd: '0' },
  });
  it('summarises per provider', () => {
    expect(
      poolSummary([
        { provider: 'openai', keys: [key('A', 'AVAILABLE'), key('B', 'COOLING_DOWN'), key('C', 'DISABLED')], unconfiguredKeys: [] },
      ]),
    ).toEqual([
      {
        provider: 'openai',
        total: 3,
        available: 1,
        coolingDown: 1,
        disabled: 1,
        unconfigured: 0,
        headline: '1 of 3 available',
        detail: '1 cooling down · 1 disabled',
      },
    ]);
  });
  it('says a provider has no keys configured here, not "0/0 available", when usage shows its keys', () => {
    const seen = { provider: 'groq', name: 'GROQ_API_KEY_3', source: 'hosted' as const, requests: 120 };
    expect(poolSummary([{ provider: 'groq', keys: [], unconfiguredKeys: [seen] }])[0]).toMatchObject({
      headline: 'none configured',
      detail: '1 more in usage, not configured here',
    });
    expect(unconfiguredTotal([{ provider: 'groq', keys: [], unconfiguredKeys: [seen] }])).toBe(1);
  });
  it('cooldowns and actions', () => {
    expect(cooldownRemaining('2025-06-15T10:02:05.000Z', NOW)).toBe('2m 05s left');
    expect(cooldownRemaining('2025-06-15T09:00:00.000Z', NOW)).toBeNull();
    expect(cooldownRemaining('2025-06-15T12:30:00.000Z', NOW)).toBe('2h 30m left');
    expect(keyAction({ state: 'DISABLED' })).toEqual({ enabled: true, label: 'Re-enable' });
    expect(keyAction({ state: 'AVAILABLE' })).toEqual({ enabled: false, label: 'Disable' });
  });
});

describe('hosted pool limiter form', () => {
  const defaults: LimiterDefaults = { mode: 'NONE', requestsPerMinute: null, queueTimeoutMs: 10_000 };
  it('starts from the stored setting and sends only the fields the mode uses', () => {
    expect(limiterFormValues(undefined, defaults)).toEqual({ mode: 'NONE', requestsPerMinute: '', queueTimeoutMs: '' });
    const stored = limiterFormValues({ mode: 'QUEUE', requestsPerMinute: null, queueTimeoutMs: 2000 }, defaults);
    expect(stored).toEqual({ mode: 'QUEUE', requestsPerMinute: '', queueTimeoutMs: '2000' });
    expect(limiterInput('openai', stored)).toEqual({ ok: true, input: { provider: 'openai', mode: 'QUEUE', queueTimeoutMs: 2000 } });
    expect(limiterInput('openai', { mode: 'PER_ORGANIZATION', requestsPerMinute: ' 60 ', queueTimeoutMs: '2000' })).toEqual({
      ok: true,
      input: { provider: 'openai', mode: 'PER_ORGANIZATION', requestsPerMinute: 60 },
    });
    expect(limiterInput('openai', { mode: 'NONE', requestsPerMinute: '60', queueTimeoutMs: 'junk' })).toEqual({
      ok: true,
      input: { provider: 'openai', mode: 'NONE' },
    });
    // Range and "needs a rate" are the API's to say; the form only refuses what is not a number.
    expect(limiterInput('openai', { mode: 'PER_ORGANIZATION', requestsPerMinute: '', queueTimeoutMs: '' })).toEqual({
      ok: true,
      input: { provider: 'openai', mode: 'PER_ORGANIZATION' },
    });
    expect(limiterInput('openai', { mode: 'QUEUE', requestsPerMinute: '1.5', queueTimeoutMs: 'soon' })).toEqual({
      ok: false,
      errors: { requestsPerMinute: 'Enter a whole number', queueTimeoutMs: 'Enter a whole number' },
    });
  });
  it('puts BAD_USER_INPUT answers beside their field', () => {
    expect(limiterErrors({ code: 'BAD_USER_INPUT', message: 'PER_ORGANIZATION needs requestsPerMinute', fields: {} })).toEqual({
      requestsPerMinute: 'PER_ORGANIZATION needs requestsPerMinute',
    });
    expect(limiterErrors({ code: 'BAD_USER_INPUT', message: 'queueTimeoutMs must be from 1 to 600000', fields: {} })).toEqual({
      queueTimeoutMs: 'queueTimeoutMs must be from 1 to 600000',
    });
    expect(
      limiterErrors({
        code: 'BAD_USER_INPUT',
        message: 'Invalid input: queueTimeoutMs must not be less than 1',
        fields: { queueTimeoutMs: 'queueTimeoutMs must not be less than 1' },
      }),
    ).toEqual({ queueTimeoutMs: 'queueTimeoutMs must not be less than 1' });
    expect(limiterErrors({ code: 'FORBIDDEN', message: 'You do not have access to this', fields: {} })).toEqual({
      form: 'You do not have access to this',
    });
  });
  it('describes the stored limiter', () => {
    expect(describeLimiter(undefined, defaults)).toBe('none');
    expect(describeLimiter({ mode: 'PER_ORGANIZATION', requestsPerMinute: 60, queueTimeoutMs: null }, defaults)).toBe(
      'per organization · 60 rpm',
    );
    expect(describeLimiter({ mode: 'QUEUE', requestsPerMinute: null, queueTimeoutMs: null }, defaults)).toBe('queue · timeout 10000 ms');
  });
});

describe('request log filter and routing', () => {
  it('reads known filters from the URL and drops bad enum values', () => {
    const values = filterFromParams(new URLSearchParams('gatewayKeyId=k1&status=FAILED&keySource=bogus&range=7d'));
    expect(values).toEqual({ gatewayKeyId: 'k1', status: 'FAILED' });
    expect(filterToParams({ provider: 'openai' }, new URLSearchParams('range=7d&gatewayKeyId=k1')).toString()).toBe(
      'range=7d&provider=openai',
    );
    expect(toUsageFilter(values, { from: 'a', to: 'b' })).toEqual({ gatewayKeyId: 'k1', status: 'FAILED', from: 'a', to: 'b' });
  });
  it('shapes the routing decision and tolerates junk', () => {
    const view = routingView({
      model: 'llama-3.3-70b',
      candidates: [
        { provider: 'groq', source: 'byok', keyRef: 'pk1', status: 'ok' },
        { provider: 'together', source: 'hosted', keyRef: 'TOGETHER_API_KEY_1', status: 'cooling-down', retryAfterMs: 3000 },
      ],
      order: ['groq'],
      why: 'keyed provider preferred',
      attempts: [{ provider: 'groq', source: 'byok', keyRef: 'pk1', outcome: 'success' }],
    });
    expect(view?.candidates.map((c) => [c.provider, c.chosen, c.retryAfterMs])).toEqual([
      ['groq', true, null],
      ['together', false, 3000],
    ]);
    expect(view?.why).toBe('keyed provider preferred');
    expect(routingView(null)).toBeNull();
    expect(routingView({ candidates: 'nope', attempts: [null] })).toMatchObject({
      candidates: [],
      attempts: [{ provider: '', outcome: '' }],
    });
  });
});

describe('custom providers', () => {
  const existing = {
    id: 'c1',
    organizationId: 'o1',
    slug: 'ollama',
    name: 'GPU box',
    baseUrl: 'http://10.0.0.5:11434/v1',
    models: ['llama3.1:8b', 'qwen2.5'],
    createdAt: '2025-06-01T00:00:00Z',
  };
  it('builds the input, splitting and de-duplicating models', () => {
    expect(parseModelList(' a, b\nc ,, a ')).toEqual(['a', 'b', 'c']);
    expect(
      parseCustomProviderForm('o1', {
        slug: ' Ollama ',
        name: ' GPU box ',
        baseUrl: ' http://10.0.0.5:11434/v1 ',
        models: 'llama3.1:8b, qwen2.5',
      }),
    ).toEqual({
      ok: true,
      input: {
        organizationId: 'o1',
        slug: 'ollama',
        name: 'GPU box',
        baseUrl: 'http://10.0.0.5:11434/v1',
        models: ['llama3.1:8b', 'qwen2.5'],
      },
    });
    const empty = parseCustomProviderForm('o1', { slug: '', name: '', baseUrl: '', models: ' , ' });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(Object.keys(empty.errors).sort()).toEqual(['baseUrl', 'models', 'name', 'slug']);
  });
  it('edits by slug (same slug replaces) and names models as slug/model', () => {
    expect(formFromProvider(existing)).toEqual({
      slug: 'ollama',
      name: 'GPU box',
      baseUrl: 'http://10.0.0.5:11434/v1',
      models: 'llama3.1:8b, qwen2.5',
    });
    expect(replacesExisting([existing], ' OLLAMA ')).toBe(true);
    expect(replacesExisting([existing], 'vllm')).toBe(false);
    expect(modelReference(existing, 'qwen2.5')).toBe('ollama/qwen2.5');
  });
  it('puts API errors beside the field', () => {
    const err = (message: string, fields: Record<string, string> = {}) => customProviderErrors({ code: 'BAD_USER_INPUT', message, fields });
    expect(err('"openai" is a built-in provider; choose another slug')).toEqual({
      slug: '"openai" is a built-in provider; choose another slug',
    });
    expect(err('slug must be 2 to 40 lower-case letters, digits and dashes')).toHaveProperty('slug');
    expect(err('baseUrl must use http or https')).toEqual({ baseUrl: 'baseUrl must use http or https' });
    expect(err('models must list 1 to 200 model names')).toHaveProperty('models');
    expect(err('Invalid input: name must be shorter', { name: 'name must be shorter' })).toEqual({ name: 'name must be shorter' });
    expect(err('You do not have access to this')).toEqual({ form: 'You do not have access to this' });
  });
});

describe('access tokens', () => {
  const token = (fields: Partial<AccessToken>): AccessToken => ({
    id: 't',
    name: 'n',
    prefix: 'kpat_abcdef',
    createdAt: '2025-06-01T00:00:00Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...fields,
  });
  it('builds the input; expiry is the end of the chosen UTC day and must be in the future', () => {
    expect(parseAccessTokenForm({ name: ' ci ', expiresOn: '' }, NOW)).toEqual({ ok: true, input: { name: 'ci' } });
    expect(parseAccessTokenForm({ name: 'ci', expiresOn: '2025-07-01' }, NOW)).toEqual({
      ok: true,
      input: { name: 'ci', expiresAt: '2025-07-01T23:59:59.999Z' },
    });
    expect(parseAccessTokenForm({ name: 'ci', expiresOn: '2025-06-15' }, NOW).ok).toBe(true);
    const bad = parseAccessTokenForm({ name: '  ', expiresOn: '2025-06-14' }, NOW);
    expect(bad).toEqual({ ok: false, errors: { name: expect.any(String), expiresOn: 'Pick a date in the future' } });
  });
  it('status and order: active first, newest first', () => {
    expect(accessTokenStatus(token({}), NOW)).toBe('active');
    expect(accessTokenStatus(token({ revokedAt: '2025-06-02T00:00:00Z' }), NOW)).toBe('revoked');
    expect(accessTokenStatus(token({ expiresAt: '2025-06-15T09:00:00Z' }), NOW)).toBe('expired');
    const sorted = sortAccessTokens(
      [
        token({ id: 'old' }),
        token({ id: 'revoked', createdAt: '2025-06-10T00:00:00Z', revokedAt: '2025-06-11T00:00:00Z' }),
        token({ id: 'new', createdAt: '2025-06-05T00:00:00Z' }),
      ],
      NOW,
    );
    expect(sorted.map((t) => t.id)).toEqual(['new', 'old', 'revoked']);
  });
});

describe('audit entries', () => {
  it('describes details and targets readably', () => {
    expect(describeDetails({ key: 'hosted-key-llm', enabled: true, scope: 'GLOBAL', scopeId: null })).toBe(
      'Key: hosted-key-llm · Enabled: yes · Scope: GLOBAL · Scope: none',
    );
    expect(describeDetails({ models: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toBe('Models: a, b, c, d, e +2');
    expect(describeDetails(null)).toBe('');
    expect(describeDetails({ note: 'x'.repeat(500) }, 20)).toHaveLength(20);
    expect(describeTarget({ targetType: 'FeatureFlag', targetId: 'hosted-key-llm' })).toBe('Feature flag hosted-key-llm');
    expect(describeTarget({ targetType: 'Provider', targetId: null })).toBe('Provider');
    expect(describeTarget({ targetType: 'GatewayKey', targetId: '6b19d9ff-6070-4c3e-9d7a-0a1b2c3d4e5f' })).toBe('Gateway key 6b19d9ff…');
    expect(
      describeTarget({ targetType: 'GatewayKey', targetId: '6b19d9ff-6070-4c3e-9d7a-0a1b2c3d4e5f', details: { name: 'staging' } }),
    ).toBe('Gateway key staging');
  });

  it('reads raw field dumps as changes: human labels, empty lists as none, ids left out, before → after', () => {
    const created = auditChanges({
      name: 'ci-smoke-tests',
      projectId: '0889f0f5-97e8-4fb4-8bcb-01fe04047558',
      rpmLimit: 60,
      budgetUsd: '5',
      allowedModels: [],
      defaultTags: [],
      expiresAt: null,
    });
    expect(created).toEqual([
      { label: 'Name', text: 'ci-smoke-tests' },
      { label: 'RPM limit', text: '60' },
      { label: 'Budget', text: '$5.00' },
      { label: 'Allowed models', text: 'none' },
      { label: 'Default tags', text: 'none' },
      { label: 'Expires at', text: 'none' },
    ]);
    expect(auditChanges({ before: { mode: 'API_KEYS' }, after: { mode: 'CREDITS' } })).toEqual([
      { label: 'Mode', text: 'API_KEYS → CREDITS' },
    ]);
    expect(auditChanges({ email: 'a@b.example', role: 'ADMIN', previousRole: 'MEMBER' })).toEqual([
      { label: 'Email', text: 'a@b.example' },
      { label: 'Role', text: 'MEMBER → ADMIN' },
    ]);
    expect(describeDetails({ amountUsd: '250', balanceAfter: '250.000000000000' })).toBe('Amount: $250.00 · Balance after: $250.00');
  });
});
