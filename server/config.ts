import { isIP } from 'node:net';
import { z } from 'zod';
import { listProviders } from './providers/registry.js';

/** Everything the server reads from the environment, parsed once. */
export interface Config {
  port: number;
  host: string;
  /** Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** Raw KEYPLANE_ENCRYPTION_KEY; resolved into a key ring by `secrets/key-ring.ts`. */
  encryptionKey: string | undefined;
  /** Environment override of the hosted-key-llm flag; undefined lets the flag decide. */
  hostedKeyLlm: boolean | undefined;
  hostedCostMultiplier: string;
  admin: { email: string | undefined; password: string | undefined; token: string | undefined };
  logLevel: string;
  /** Upstream must answer with headers, and then send each chunk, within this long. */
  upstreamTimeoutMs: number;
  /** Database time each organization's usage reports, request logs and statements may take per minute (report-limiter.ts). */
  usageReportMsPerMinute: number;
  /** Holds older than this belong to requests that never settled (a killed process) and are released. */
  reservationTtlMs: number;
  /** Credit leases: renewed this often by a live instance, released by any instance when not renewed within `ttlMs`. */
  creditLease: { renewEveryMs: number; ttlMs: number };
  /** An instance silent this long is dead: its write-ahead intents become usage records. */
  instanceDeadAfterMs: number;
  /** On SIGTERM, requests in flight get this long to finish before their connections are closed. */
  shutdownTimeoutMs: number;
  /** Pause between usage rollup runs; 0: this instance does not roll up (another one does). */
  usageRollupIntervalMs: number;
  /** Webhook delivery: pause between passes over the outbox (0: this instance delivers none), and the first retry's delay. */
  webhooks: { intervalMs: number; retryBaseMs: number };
  /** A client must send its whole request within this long (slow-client protection). */
  httpRequestTimeoutMs: number;
  /** KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: organizations' custom providers may target private addresses. */
  allowPrivateUpstreams: boolean;
  /**
   * KEYPLANE_TRUST_PROXY: the reverse proxies whose X-Forwarded-For names the client (their
   * addresses or CIDRs); false: the connection's own address is the client's.
   */
  trustProxy: false | string[];
  /** Set: /metrics answers only `Authorization: Bearer <metricsToken>`; unset: open. */
  metricsToken: string | undefined;
  /** The origin people reach the dashboard at: invitation links use it; `https:` makes cookies Secure. */
  publicUrl: string;
  /** Set (OTEL_EXPORTER_OTLP_ENDPOINT): request spans go over OTLP/HTTP to `tracesUrl`; unset: no tracing code is loaded. */
  tracing: TracingConfig | undefined;
  /** The raw environment, for per-provider variables (`<P>_API_KEY_N`, `<P>_BASE_URL`). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface TracingConfig {
  /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  tracesUrl: string;
  /** OTEL_SERVICE_NAME (the resource's service.name). */
  serviceName: string;
}

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const booleanFlag = optionalString.pipe(
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1')),
);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  KEYPLANE_DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1 to 64 letters, digits, ":", "_" or "-"')
    .default('keyplane:'),
  KEYPLANE_ENCRYPTION_KEY: optionalString,
  HOSTED_KEY_LLM: booleanFlag,
  HOSTED_COST_MULTIPLIER: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal number such as 1 or 1.25')
    .default('1'),
  KEYPLANE_ADMIN_EMAIL: optionalString.pipe(z.email('must be an email address').optional()),
  KEYPLANE_ADMIN_PASSWORD: optionalString.pipe(z.string().min(8, 'must be at least 8 characters').optional()),
  KEYPLANE_ADMIN_TOKEN: optionalString,
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  USAGE_REPORT_MS_PER_MINUTE: z.coerce.number().int().min(1).max(3_600_000).default(20_000),
  RESERVATION_TTL_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(86_400_000)
    .default(30 * 60_000),
  CREDIT_LEASE_RENEW_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  CREDIT_LEASE_TTL_MS: z.coerce.number().int().min(300).max(600_000).default(5_000),
  INSTANCE_DEAD_AFTER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  USAGE_ROLLUP_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  WEBHOOK_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  // Strictly true/false: a typo must not quietly open the internal network to tenants.
  KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: optionalString.pipe(z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')),
  // Addresses, not `true`: trusting every hop would let any client name its own address.
  KEYPLANE_TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .refine(
        (value) => value.split(',').every((entry) => isAddressOrCidr(entry.trim())),
        "must be your reverse proxies' addresses or CIDRs, comma-separated (e.g. 10.0.0.0/8,127.0.0.1)",
      )
      .optional(),
  ),
  KEYPLANE_PUBLIC_URL: optionalString.pipe(
    z.string().refine(isHttpOrigin, 'must be an http:// or https:// origin such as https://keyplane.example.com').optional(),
  ),
  METRICS_TOKEN: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.string().refine(isHttpUrl, 'must be an http:// or https:// URL').optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(z.string().refine(isHttpUrl, 'must be an http:// or https:// URL').optional()),
  OTEL_SERVICE_NAME: optionalString.pipe(z.string().max(200).default('keyplane')),
  OTEL_SDK_DISABLED: booleanFlag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse the environment; throws ConfigError naming every bad variable (never echoing its value). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  for (const { envPrefix } of listProviders()) {
    const name = `${envPrefix}_BASE_URL`;
    const value = env[name]?.trim();
    if (value && !isHttpUrl(value)) problems.push(`  ${name}: must be an http:// or https:// URL such as https://api.example.com/v1`);
  }
  // A TTL within a few renewals of its period would let a busy instance's live lease be swept
  // and its credit spent twice.
  if (parsed.success && parsed.data.CREDIT_LEASE_TTL_MS < 3 * parsed.data.CREDIT_LEASE_RENEW_MS)
    problems.push('  CREDIT_LEASE_TTL_MS: must be at least 3 × CREDIT_LEASE_RENEW_MS, so a live lease is never swept between renewals');
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.KEYPLANE_DATA_DIR,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    encryptionKey: e.KEYPLANE_ENCRYPTION_KEY,
    hostedKeyLlm: e.HOSTED_KEY_LLM,
    hostedCostMultiplier: e.HOSTED_COST_MULTIPLIER,
    admin: { email: e.KEYPLANE_ADMIN_EMAIL, password: e.KEYPLANE_ADMIN_PASSWORD, token: e.KEYPLANE_ADMIN_TOKEN },
    logLevel: e.LOG_LEVEL,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    usageReportMsPerMinute: e.USAGE_REPORT_MS_PER_MINUTE,
    reservationTtlMs: e.RESERVATION_TTL_MS,
    creditLease: { renewEveryMs: e.CREDIT_LEASE_RENEW_MS, ttlMs: e.CREDIT_LEASE_TTL_MS },
    instanceDeadAfterMs: e.INSTANCE_DEAD_AFTER_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    usageRollupIntervalMs: e.USAGE_ROLLUP_INTERVAL_MS,
    webhooks: { intervalMs: e.WEBHOOK_INTERVAL_MS, retryBaseMs: e.WEBHOOK_RETRY_BASE_MS },
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    allowPrivateUpstreams: e.KEYPLANE_ALLOW_PRIVATE_UPSTREAMS === 'true',
    trustProxy: trustedProxies(e.KEYPLANE_TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN,
    publicUrl: e.KEYPLANE_PUBLIC_URL ? new URL(e.KEYPLANE_PUBLIC_URL).origin : `http://${e.HOST}:${e.PORT}`,
    tracing: tracingConfig(e),
    env,
  };
}

function trustedProxies(value: string | undefined): false | string[] {
  return value ? value.split(',').map((entry) => entry.trim()) : false;
}

/** An IPv4 or IPv6 address, optionally with a /prefix. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/** The OTLP variables as the OpenTelemetry spec reads them: the signal-specific URL is used as is, the base one gets /v1/traces. */
function tracingConfig(e: z.infer<typeof envSchema>): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED) return undefined;
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  return tracesUrl ? { tracesUrl, serviceName: e.OTEL_SERVICE_NAME } : undefined;
}

/** Scheme, host and port only: links are built by appending paths to it. */
function isHttpOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    const bare = !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
    return (url.protocol === 'http:' || url.protocol === 'https:') && bare;
  } catch {
    return false;
  }
}

/** A provider base URL: http(s) with a host; a typo must stop the start, not fail every request later. */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
