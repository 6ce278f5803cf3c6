import type { FailureClass } from '../../shared/domain.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { DomainError } from '../domain/errors.js';

/** OpenAI's error `type` for each HTTP status the gateway answers. */
const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  502: 'upstream_error',
  503: 'service_unavailable',
  504: 'timeout_error',
};

/**
 * An answer the gateway gives instead of a completion. `failureClass` is set when an upstream
 * failure caused it (it then lands on the usage record); messages never hold a secret.
 */
export class GatewayError extends Error {
  override name = 'GatewayError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { failureClass?: FailureClass; retryAfterMs?: number | null } = {},
  ) {
    super(message);
  }

  get type(): string {
    return TYPE_BY_STATUS[this.status] ?? 'api_error';
  }

  toBody() {
    return { error: { message: this.message, type: this.type, code: this.code, param: null } };
  }
}

/** What the client gets when every attempt failed with this class. */
export function upstreamFailure(failureClass: FailureClass, message: string, retryAfterMs?: number): GatewayError {
  switch (failureClass) {
    case 'BAD_REQUEST':
      return new GatewayError(400, 'upstream_bad_request', `The provider rejected the request: ${message}`, { failureClass });
    case 'RATE_LIMIT':
    case 'QUOTA':
      return new GatewayError(429, failureClass === 'QUOTA' ? 'upstream_quota_exceeded' : 'upstream_rate_limited', `The provider is throttling: ${message}`, {
        failureClass,
        retryAfterMs: retryAfterMs ?? null,
      });
    case 'TIMEOUT':
      return new GatewayError(504, 'upstream_timeout', `The provider did not answer in time: ${message}`, { failureClass });
    case 'NETWORK':
      return new GatewayError(503, 'upstream_unreachable', `The provider could not be reached: ${message}`, { failureClass });
    case 'AUTH':
      return new GatewayError(502, 'upstream_auth_failed', `The provider rejected the key: ${message}`, { failureClass });
    default:
      return new GatewayError(502, 'upstream_error', `The provider failed: ${message}`, { failureClass });
  }
}

/** The domain's errors, on the /v1 edge. */
export function toGatewayError(error: unknown, requestId: string): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof DomainError) {
    const code = error.code === 'BAD_USER_INPUT' ? 'invalid_request' : error.code.toLowerCase();
    return new GatewayError(error.httpStatus, code, error.message);
  }
  if (isDatabaseUnavailable(error)) {
    return new GatewayError(503, 'service_unavailable', 'keyplane cannot reach its database; try again shortly', { retryAfterMs: 2_000 });
  }
  return new GatewayError(500, 'internal_error', `Internal error (request ${requestId}); it has been logged`);
}
