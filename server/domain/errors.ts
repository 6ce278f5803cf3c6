/**
 * One error hierarchy for the whole server. Each edge maps it: GraphQL to `extensions.code`,
 * the gateway to OpenAI's error envelope. Messages are written for the user and never
 * contain a secret.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYMENT_REQUIRED'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** The one mapping from an error code to the HTTP status every edge answers with. */
const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYMENT_REQUIRED: 402,
  RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_TIMEOUT: 504,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class DomainError extends Error {
  override name = 'DomainError';
  /** Derived from `code`, never chosen by the thrower. */
  readonly httpStatus: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.httpStatus = HTTP_STATUS[code];
  }
}

/** Refused for now; each edge sends `retryAfterSeconds` as Retry-After. */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
  }
}

export const unauthenticated = (message = 'Sign in or send a valid access token') => new DomainError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You do not have access to this') => new DomainError('FORBIDDEN', message);
export const badInput = (message: string) => new DomainError('BAD_USER_INPUT', message);
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new DomainError('CONFLICT', message);

/** Prisma's unique-constraint violation, so services can turn it into a CONFLICT. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
