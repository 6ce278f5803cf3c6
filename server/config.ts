import { z } from 'zod';

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
  /** Holds older than this belong to requests that never settled (a killed process) and are released. */
  reservationTtlMs: number;
  /** On SIGTERM, requests in flight get this long to finish before their connections are closed. */
  shutdownTimeoutMs: number;
  /** Pause between usage rollup runs; 0: this instance does not roll up (another one does). */
  usageRollupIntervalMs: number;
  /** A client must send its whole request within this long (slow-client protection). */
  httpRequestTimeoutMs: number;
  /** The raw environment, for per-provider variables (`<P>_API_KEY_N`, `<P>_BASE_URL`). */
  env: Readonly<Record<string, string | undefined>>;
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
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional()),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1 to 64 letters, digits, ":", "_" or "-"').default('keyplane:'),
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
  RESERVATION_TTL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(30 * 60_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  USAGE_ROLLUP_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse the environment; throws ConfigError naming every bad variable (never echoing its value). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
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
    reservationTtlMs: e.RESERVATION_TTL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    usageRollupIntervalMs: e.USAGE_ROLLUP_INTERVAL_MS,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    env,
  };
}
