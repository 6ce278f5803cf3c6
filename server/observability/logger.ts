import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths pino censors wherever they appear in a logged object. Secrets are also kept out of
 * log calls in the first place; this is the second line of defence.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-provider-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.password',
  '*.token',
];

export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    { level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined },
    options.destination ?? process.stdout,
  );
}
