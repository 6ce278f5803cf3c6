import type { FailureClass } from '../../shared/domain.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { DomainError, type ErrorCode } from '../domain/errors.js';

/** OpenAI's error `type` for each error code (the HTTP status comes from the code, in domain/errors.ts). */
const OPENAI_TYPE: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'invalid_request_error',
  UNAUTHENTICATED: 'authentication_error',
  PAYMENT_REQUIRED: 'insufficient_quota',
  FORBIDDEN: 'permission_error',
  NOT_FOUND: 'not_found_error',
  RATE_LIMITED: 'rate_limit_error',
  UPSTREAM_ERROR: 'upstream_error',
  UNAVAILABLE: 'service_unavailable',
  UPSTREAM_TIMEOUT: 'timeout_error',
  CONFLICT: 'api_error',
  INTERNAL: 'api_error',
};

/**
 * An answer the gateway gives instead of a completion: a domain error (its code decides the
 * status) with the wire code clients see in the body. `failureClass` is set when an upstream
 * failure caused it (it then lands on the usage record); messages never hold a secret.
 */
export class GatewayError extends DomainError {
  override name = 'GatewayError';

  constructor(
    code: ErrorCode,
    readonly wireCode: string,
    message: string,
    readonly options: { failureClass?: FailureClass; retryAfterMs?: number | null } = {},
  ) {
    super(code, message);
  }

  get type(): string {
    return OPENAI_TYPE[this.code];
  }

  toBody() {
    return { error: { message: this.message, type: this.type, code: this.wireCode, param: null } };
  }
}

/** The error code, wire code and wording for each class of upstream failure. */
const UPSTREAM_FAILURE: Record<FailureClass, { code: ErrorCode; wireCode: string; prefix: string }> = {
  BAD_REQUEST: { code: 'BAD_USER_INPUT', wireCode: 'upstream_bad_request', prefix: 'The provider rejected the request' },
  RATE_LIMIT: { code: 'RATE_LIMITED', wireCode: 'upstream_rate_limited', prefix: 'The provider is throttling' },
  QUOTA: { code: 'RATE_LIMITED', wireCode: 'upstream_quota_exceeded', prefix: 'The provider is throttling' },
  TIMEOUT: { code: 'UPSTREAM_TIMEOUT', wireCode: 'upstream_timeout', prefix: 'The provider did not answer in time' },
  NETWORK: { code: 'UNAVAILABLE', wireCode: 'upstream_unreachable', prefix: 'The provider could not be reached' },
  AUTH: { code: 'UPSTREAM_ERROR', wireCode: 'upstream_auth_failed', prefix: 'The provider rejected the key' },
  UPSTREAM_ERROR: { code: 'UPSTREAM_ERROR', wireCode: 'upstream_error', prefix: 'The provider failed' },
  STREAM_INTERRUPTED: { code: 'UPSTREAM_ERROR', wireCode: 'upstream_error', prefix: 'The provider failed' },
  CANCELLED: { code: 'UPSTREAM_ERROR', wireCode: 'upstream_error', prefix: 'The provider failed' },
};

/** What the client gets when every attempt failed with this class. */
export function upstreamFailure(failureClass: FailureClass, message: string, retryAfterMs?: number): GatewayError {
  const { code, wireCode, prefix } = UPSTREAM_FAILURE[failureClass];
  const throttled = code === 'RATE_LIMITED';
  return new GatewayError(
    code,
    wireCode,
    `${prefix}: ${message}`,
    throttled ? { failureClass, retryAfterMs: retryAfterMs ?? null } : { failureClass },
  );
}

/** The domain's errors, on the /v1 edge. */
export function toGatewayError(error: unknown, requestId: string): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof DomainError) {
    const wireCode = error.code === 'BAD_USER_INPUT' ? 'invalid_request' : error.code.toLowerCase();
    return new GatewayError(error.code, wireCode, error.message);
  }
  if (isDatabaseUnavailable(error)) {
    return new GatewayError('UNAVAILABLE', 'service_unavailable', 'keyplane cannot reach its database; try again shortly', {
      retryAfterMs: 2_000,
    });
  }
  return new GatewayError('INTERNAL', 'internal_error', `Internal error (request ${requestId}); it has been logged`);
}
