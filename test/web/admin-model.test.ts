import { describe, expect, it } from 'vitest';
import { canOpen, navItems, safeReturnPath } from '../../web/src/features/auth/model/navigation.js';
import { describeSource, type Flag, flagStateFor } from '../../web/src/features/flags/model/flag-state.js';
import { describeLimits, gatewayKeyStatus, parseGatewayKeyForm, EMPTY_GATEWAY_KEY_FORM } from '../../web/src/features/gateway-keys/model/gateway-key-form.js';
import { cooldownRemaining, keyAction, poolSummary } from '../../web/src/features/hosted-pool/model/pool.js';
import { describeModeChange } from '../../web/src/features/organizations/model/mode-change.js';
import { canManage, roleLabel } from '../../web/src/features/organizations/model/permissions.js';
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
    const result = parseGatewayKeyForm('p1', { name: ' ci ', rpmLimit: '60', budgetUsd: '25.5', budgetPeriod: 'MONTHLY', allowedModels: 'gpt-4o-mini, claude-haiku-4-5', expiresAt: '2025-07-01' }, NOW);
    expect(result).toEqual({
      ok: true,
      input: { projectId: 'p1', name: 'ci', rpmLimit: 60, budgetUsd: '25.5', budgetPeriod: 'MONTHLY', allowedModels: ['gpt-4o-mini', 'claude-haiku-4-5'], expiresAt: '2025-07-01T00:00:00.000Z' },
    });
    expect(parseGatewayKeyForm('p1', { ...EMPTY_GATEWAY_KEY_FORM, name: 'x' }, NOW)).toEqual({ ok: true, input: { projectId: 'p1', name: 'x' } });
  });
  it('reports field errors', () => {
    const result = parseGatewayKeyForm('p1', { name: '', rpmLimit: '1.5', budgetUsd: '10', budgetPeriod: '', allowedModels: '', expiresAt: '2025-01-01' }, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['budgetPeriod', 'expiresAt', 'name', 'rpmLimit']);
  });
  it('status and limits', () => {
    expect(gatewayKeyStatus({ revokedAt: null, expiresAt: null }, NOW)).toBe('active');
    expect(gatewayKeyStatus({ revokedAt: '2025-01-01T00:00:00Z', expiresAt: null }, NOW)).toBe('revoked');
    expect(gatewayKeyStatus({ revokedAt: null, expiresAt: '2025-06-01T00:00:00Z' }, NOW)).toBe('expired');
    expect(describeLimits({ rpmLimit: 60, budgetUsd: '25', budgetPeriod: 'TOTAL', allowedModels: ['a', 'b'] }, (v) => `$${v}`)).toBe('60 rpm · $25 total · 2 models');
    expect(describeLimits({ rpmLimit: null, budgetUsd: null, budgetPeriod: null, allowedModels: [] }, String)).toBe('No limits');
  });
});

describe('feature flag state', () => {
  const flag: Flag = {
    key: 'hosted-key-llm',
    description: '',
    enabled: false,
    envOverride: null,
    overrides: [
      { scope: 'ORGANIZATION', scopeId: 'o1', enabled: true },
      { scope: 'PROJECT', scopeId: 'p2', enabled: false },
    ],
  };
  it('follows project, organization, global precedence', () => {
    expect(flagStateFor(flag, { organizationId: 'o1' })).toEqual({ enabled: true, source: 'organization', ownOverride: true });
    expect(flagStateFor(flag, { organizationId: 'o1', projectId: 'p1' })).toEqual({ enabled: true, source: 'organization', ownOverride: null });
    expect(flagStateFor(flag, { organizationId: 'o1', projectId: 'p2' })).toEqual({ enabled: false, source: 'project', ownOverride: false });
    expect(flagStateFor(flag, { organizationId: 'o9' })).toEqual({ enabled: false, source: 'global', ownOverride: null });
  });
  it('the environment override beats everything and says so', () => {
    const state = flagStateFor({ ...flag, envOverride: false }, { organizationId: 'o1' });
    expect(state).toEqual({ enabled: false, source: 'environment', ownOverride: true });
    expect(describeSource(state)).toContain('HOSTED_KEY_LLM');
  });
});

describe('hosted pool', () => {
  const key = (name: string, state: 'AVAILABLE' | 'COOLING_DOWN' | 'DISABLED') => ({
    provider: 'openai', name, state, cooldownUntil: null, disabledReason: null, lastUsedAt: null,
    lastHour: { requests: 0, failures: 0, billedCostUsd: '0' }, lastDay: { requests: 0, failures: 0, billedCostUsd: '0' },
  });
  it('summarises per provider', () => {
    expect(poolSummary([{ provider: 'openai', keys: [key('A', 'AVAILABLE'), key('B', 'COOLING_DOWN'), key('C', 'DISABLED')] }])).toEqual([
      { provider: 'openai', total: 3, available: 1, coolingDown: 1, disabled: 1 },
    ]);
  });
  it('cooldowns and actions', () => {
    expect(cooldownRemaining('2025-06-15T10:02:05.000Z', NOW)).toBe('2m 05s left');
    expect(cooldownRemaining('2025-06-15T09:00:00.000Z', NOW)).toBeNull();
    expect(cooldownRemaining('2025-06-15T12:30:00.000Z', NOW)).toBe('2h 30m left');
    expect(keyAction({ state: 'DISABLED' })).toEqual({ enabled: true, label: 'Re-enable' });
    expect(keyAction({ state: 'AVAILABLE' })).toEqual({ enabled: false, label: 'Disable' });
  });
});

describe('request log filter and routing', () => {
  it('reads known filters from the URL and drops bad enum values', () => {
    const values = filterFromParams(new URLSearchParams('gatewayKeyId=k1&status=FAILED&keySource=bogus&range=7d'));
    expect(values).toEqual({ gatewayKeyId: 'k1', status: 'FAILED' });
    expect(filterToParams({ provider: 'openai' }, new URLSearchParams('range=7d&gatewayKeyId=k1')).toString()).toBe('range=7d&provider=openai');
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
    expect(routingView({ candidates: 'nope', attempts: [null] })).toMatchObject({ candidates: [], attempts: [{ provider: '', outcome: '' }] });
  });
});
