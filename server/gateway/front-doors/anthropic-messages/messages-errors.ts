import type { FailureClass } from '../../../../shared/domain.js';

/** Anthropic's error body: `{"type":"error","error":{"type":"rate_limit_error","message":"…"}}`. */
export interface MessagesErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

// Anthropic's documented error types by HTTP status (https://docs.claude.com/en/api/errors).
const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The error type Anthropic uses for an HTTP status (4xx without its own type → invalid_request_error). */
export function errorTypeForStatus(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

const TYPE_BY_CLASS: Record<FailureClass, string> = {
  AUTH: 'authentication_error',
  RATE_LIMIT: 'rate_limit_error',
  QUOTA: 'rate_limit_error',
  BAD_REQUEST: 'invalid_request_error',
  UPSTREAM_ERROR: 'api_error',
  TIMEOUT: 'timeout_error',
  NETWORK: 'api_error',
  STREAM_INTERRUPTED: 'api_error',
  CANCELLED: 'api_error',
};

export function messagesErrorBody(type: string, message: string): MessagesErrorBody {
  return { type: 'error', error: { type, message } };
}

/** The body of an in-stream `event: error` for an upstream failure after the first byte. */
export function streamErrorBody(failureClass: FailureClass, message: string): MessagesErrorBody {
  return messagesErrorBody(TYPE_BY_CLASS[failureClass], message);
}
