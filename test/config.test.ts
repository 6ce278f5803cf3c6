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

  it('keeps private upstreams closed unless KEYPLANE_ALLOW_PRIVATE_UPSTREAMS is exactly true or false', () => {
    expect(loadConfig({}).allowPrivateUpstreams).toBe(false);
    expect(loadConfig({ KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'true' }).allowPrivateUpstreams).toBe(true);
    expect(loadConfig({ KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: 'false' }).allowPrivateUpstreams).toBe(false);
    // A near miss must not quietly open (or seem to close) the internal network.
    for (const value of ['1', 'yes', 'TRUE', 'on']) {
      expect(configError({ KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: value }).message).toContain(
        'KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: must be true or false',
      );
    }
  });

  it('trusts X-Forwarded-For only from the reverse proxies KEYPLANE_TRUST_PROXY names', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ KEYPLANE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    // Trusting every hop would let any client name its own address, and its own sign-in budget.
    for (const value of ['true', '1', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2']) {
      expect(configError({ KEYPLANE_TRUST_PROXY: value }).message).toContain(
        "KEYPLANE_TRUST_PROXY: must be your reverse proxies' addresses",
      );
    }
  });

  it('keeps a credit lease TTL at least three renewals long: a live lease is never swept', () => {
    expect(loadConfig({}).creditLease).toEqual({ renewEveryMs: 1_000, ttlMs: 5_000 });
    expect(loadConfig({ CREDIT_LEASE_RENEW_MS: '500', CREDIT_LEASE_TTL_MS: '1500' }).creditLease).toEqual({
      renewEveryMs: 500,
      ttlMs: 1_500,
    });
    expect(configError({ CREDIT_LEASE_TTL_MS: '2000' }).message).toMatch(/CREDIT_LEASE_TTL_MS: must be at least 3 × CREDIT_LEASE_RENEW_MS/);
    // Request holds have their own TTL: a short RESERVATION_TTL_MS no longer touches leases.
    expect(loadConfig({ RESERVATION_TTL_MS: '1000' }).creditLease.ttlMs).toBe(5_000);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'x', DATABASE_URL: 'sqlite://SECRET', KEYPLANE_ADMIN_PASSWORD: 'short' });
    for (const name of ['PORT', 'DATABASE_URL', 'KEYPLANE_ADMIN_PASSWORD']) expect(error.message).toContain(name);
    expect(error.message).not.toContain('SECRET');
    expect(error.message).not.toMatch(/\bshort\b/);
  });

  it('stops on a provider base URL that is not http(s), naming the variable and not its value', () => {
    for (const value of ['not-a-url', 'ftp://files.example.com', 'file:///etc/SECRET']) {
      const error = configError({ OPENAI_BASE_URL: value, GROQ_BASE_URL: 'https://api.groq.com/openai/v1' });
      expect(error.message).toContain('OPENAI_BASE_URL: must be an http:// or https:// URL');
      expect(error.message).not.toContain('GROQ_BASE_URL');
      expect(error.message).not.toContain('SECRET');
    }
    expect(configError({ PORT: 'x', ANTHROPIC_BASE_URL: 'x' }).message).toMatch(/PORT[\s\S]*ANTHROPIC_BASE_URL/);
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1', MISTRAL_BASE_URL: ' ' }).env.OPENAI_BASE_URL).toBe(
      'http://127.0.0.1:4010/v1',
    );
  });

  it('traces over OTLP only when an endpoint is set, reading the variables as the OpenTelemetry spec does', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'keyplane',
    });
    // The signal-specific URL is used as given, and wins.
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/v1/traces',
        OTEL_SERVICE_NAME: 'gateway-eu',
      }).tracing,
    ).toEqual({ tracesUrl: 'https://traces.example.com/otlp/v1/traces', serviceName: 'gateway-eu' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    const error = configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318?token=SECRET' });
    expect(error.message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(error.message).not.toContain('SECRET');
  });
});
