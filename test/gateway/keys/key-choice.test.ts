import { describe, expect, it } from 'vitest';
import { chooseKey, type KeyChoiceContext } from '../../../server/gateway/keys/key-choice.js';
import { policyWorld } from './policy-fixtures.js';

const ENV = { OPENAI_API_KEY: 'sk-env', OPENAI_API_KEY_1: 'sk-pool-1', ANTHROPIC_API_KEY: 'sk-ant-env' };

function context(overrides: Partial<KeyChoiceContext> = {}): KeyChoiceContext {
  return {
    organizationId: 'org1',
    mode: 'HYBRID',
    preferStoredKeys: false,
    hostedEnabled: true,
    userKey: { provider: 'openai', secret: 'sk-user', keyRef: 'user:abc' },
    byokKeys: new Map([['openai', { id: 'pk1', secret: 'sk-byok' }]]),
    ...overrides,
  };
}

describe('chooseKey: key precedence per project mode', () => {
  const { platform, pool } = policyWorld(ENV);
  const source = (ctx: KeyChoiceContext, provider = 'openai') => chooseKey(provider, ctx, platform, pool)?.source ?? null;

  it('HYBRID: user, then byok, then hosted, then env', () => {
    expect(source(context())).toBe('user');
    expect(source(context({ userKey: null }))).toBe('byok');
    expect(source(context({ userKey: null, byokKeys: new Map() }))).toBe('hosted');
    // The pool shadows the legacy key while the flag is on; with the flag off env serves.
    expect(source(context({ userKey: null, byokKeys: new Map(), hostedEnabled: false }))).toBe('env');
    expect(source(context({ userKey: null, byokKeys: new Map() }), 'anthropic')).toBe('env');
    expect(source(context({ userKey: null, byokKeys: new Map() }), 'google')).toBeNull();
  });

  it('preferStoredKeys puts the stored key before the caller’s', () => {
    expect(source(context({ preferStoredKeys: true }))).toBe('byok');
    expect(source(context({ preferStoredKeys: true, byokKeys: new Map() }))).toBe('user');
  });

  it('API_KEYS allows only user and byok; CREDITS only hosted and env', () => {
    expect(source(context({ mode: 'API_KEYS' }))).toBe('user');
    expect(source(context({ mode: 'API_KEYS', userKey: null, byokKeys: new Map() }))).toBeNull();
    expect(source(context({ mode: 'CREDITS' }))).toBe('hosted');
    expect(source(context({ mode: 'CREDITS', hostedEnabled: false }))).toBe('env');
    expect(source(context({ mode: 'CREDITS', hostedEnabled: false }), 'google')).toBeNull();
  });

  it('a user key counts only for the provider the request named', () => {
    expect(source(context({ byokKeys: new Map() }), 'anthropic')).toBe('env');
  });

  it('names keys without their secrets and says where their state lives', () => {
    const user = chooseKey('openai', context(), platform, pool);
    expect(user).toEqual({ source: 'user', secret: 'sk-user', keyRef: 'user:abc', stateKey: 'user:abc' });
    const byok = chooseKey('openai', context({ userKey: null }), platform, pool);
    expect(byok?.keyRef).toBe('pk1');
    expect(byok?.stateKey).toContain('org1');
    expect(chooseKey('openai', context({ userKey: null, byokKeys: new Map() }), platform, pool)).toEqual({
      source: 'hosted',
      secret: null,
      keyRef: 'pool',
      stateKey: null,
    });
    const env = chooseKey('anthropic', context({ userKey: null }), platform, pool);
    expect(env).toMatchObject({ source: 'env', keyRef: 'ANTHROPIC_API_KEY', stateKey: 'ANTHROPIC_API_KEY' });
  });

  it('a custom provider is the organization’s own source even without a stored key', () => {
    const ctx = context({ userKey: null, byokKeys: new Map(), customProviders: new Set(['acme']) });
    expect(chooseKey('acme', ctx, platform, pool)).toMatchObject({ source: 'byok', secret: '', keyRef: 'custom:acme' });
  });
});
