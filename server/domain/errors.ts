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
  | 'UNAVAILABLE';

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYMENT_REQUIRED: 402,
  RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UNAVAILABLE: 503,
};

export class DomainError extends Error {
  override name = 'DomainError';
  readonly httpStatus: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { httpStatus?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.httpStatus = options?.httpStatus ?? HTTP_STATUS[code];
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
