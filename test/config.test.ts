import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './data',
      redisUrl: undefined,
      encryptionKey: undefined,
      hostedKeyLlm: undefined,
      hostedCostMultiplier: '1',
      admin: { email: undefined, password: undefined, token: undefined },
      logLevel: 'info',
    });
  });

  it('parses a full environment, treating blank values as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://u:p@db:5432/kp',
      REDIS_URL: ' ',
      KEYPLANE_DATA_DIR: '/var/lib/keyplane',
      HOSTED_KEY_LLM: 'true',
      HOSTED_COST_MULTIPLIER: '1.25',
      KEYPLANE_ADMIN_EMAIL: 'ops@example.test',
      KEYPLANE_ADMIN_PASSWORD: 'long enough',
      KEYPLANE_ADMIN_TOKEN: 'tok',
      LOG_LEVEL: 'warn',
      OPENAI_API_KEY_1: 'sk-x',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgresql://u:p@db:5432/kp',
      redisUrl: undefined,
      dataDir: '/var/lib/keyplane',
      hostedKeyLlm: true,
      hostedCostMultiplier: '1.25',
      admin: { email: 'ops@example.test', password: 'long enough', token: 'tok' },
      logLevel: 'warn',
    });
    expect(config.env.OPENAI_API_KEY_1).toBe('sk-x');
    expect(loadConfig({ HOSTED_KEY_LLM: '0' }).hostedKeyLlm).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://root:SECRETPW123@db/kp'],
    ['REDIS_URL', 'http://user:SECRETPW123@cache'],
    ['HOSTED_KEY_LLM', 'SECRETyes'],
    ['HOSTED_COST_MULTIPLIER', '-1SECRET'],
    ['KEYPLANE_ADMIN_EMAIL', 'SECRET-not-an-email'],
    ['KEYPLANE_ADMIN_PASSWORD', 'SECRETp'],
    ['LOG_LEVEL', 'SECRETverbose'],
  ])('names %s when it is invalid, never echoing the value', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(value);
    expect(error.message).not.toMatch(/SECRET/);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'x', DATABASE_URL: 'sqlite://SECRET', KEYPLANE_ADMIN_PASSWORD: 'short' });
    for (const name of ['PORT', 'DATABASE_URL', 'KEYPLANE_ADMIN_PASSWORD']) expect(error.message).toContain(name);
    expect(error.message).not.toContain('SECRET');
    expect(error.message).not.toMatch(/\bshort\b/);
  });
});
