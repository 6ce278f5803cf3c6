import { describe, expect, it } from 'vitest';
import {
  classifyHttpFailure,
  classifyTransportError,
  parseDurationMs,
  parseRetryAfter,
  redactSecrets,
} from '../../server/providers/classify-failure.js';

describe('classifyHttpFailure', () => {
  it.each([
    [401, 'Incorrect API key provided', [], 'AUTH'],
    [403, 'Your API key does not have permission', [], 'AUTH'],
    [401, 'You exceeded your current quota, please check your plan and billing details', [], 'QUOTA'],
    [403, 'Billing account is disabled', [], 'QUOTA'],
    [403, 'Rate limit exceeded for this key', [], 'RATE_LIMIT'],
    [429, 'Rate limit reached for requests', ['rate_limit_exceeded'], 'RATE_LIMIT'],
    [429, 'Slow down', [], 'RATE_LIMIT'],
    [429, 'You exceeded your current quota', ['insufficient_quota'], 'QUOTA'],
    [429, 'You exceeded your current quota', [], 'QUOTA'],
    [429, 'quota, per minute', ['rate_limit_exceeded'], 'RATE_LIMIT'],
    [402, 'Insufficient Balance', [], 'QUOTA'],
    [400, 'messages: field required', [], 'BAD_REQUEST'],
    [400, 'Your credit balance is too low to access the Anthropic API', ['invalid_request_error'], 'QUOTA'],
    [404, 'model not found', [], 'BAD_REQUEST'],
    [422, 'Extra inputs are not permitted', [], 'BAD_REQUEST'],
    [408, 'Request timeout', [], 'TIMEOUT'],
    [500, 'internal', [], 'UPSTREAM_ERROR'],
    [502, 'bad gateway', [], 'UPSTREAM_ERROR'],
    [529, 'Overloaded', ['overloaded_error'], 'UPSTREAM_ERROR'],
  ] as const)('%i "%s" %j → %s', (status, message, codes, expected) => {
    expect(classifyHttpFailure({ status, message, codes }).failureClass).toBe(expected);
  });

  // A 403/404 about one model is the request's problem, not the key's; the key stays
  // in service for every other model. Real providers' texts; a plain invalid key stays AUTH.
  it.each([
    [
      403,
      'Project `proj_Ab12Cd34Ef56Gh78` does not have access to model `gpt-4o`',
      ['model_not_found', 'invalid_request_error'],
      'BAD_REQUEST',
    ],
    [403, 'Project `proj_Ab12Cd34Ef56Gh78` does not have access to model `o1-pro`', [], 'BAD_REQUEST'],
    [403, 'You are not allowed to sample from this model', ['invalid_request_error'], 'BAD_REQUEST'],
    [403, 'The model `llama-3.1-405b-reasoning` does not exist or you do not have access to it.', ['model_not_found'], 'BAD_REQUEST'],
    [403, 'The model `llama-3.1-405b-reasoning` does not exist or you do not have access to it.', [], 'BAD_REQUEST'],
    [401, 'The model `gpt-4-32k` does not exist or you do not have access to it.', ['invalid_request_error'], 'BAD_REQUEST'],
    [404, 'The model `gpt-5-nano-2099` does not exist or you do not have access to it.', ['model_not_found'], 'BAD_REQUEST'],
    [404, 'model: claude-3-opus-20990101', ['not_found_error'], 'BAD_REQUEST'],
    [
      403,
      'models/gemini-1.0-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
      ['permission_denied'],
      'BAD_REQUEST',
    ],
    [
      401,
      'Incorrect API key provided: sk-abc1***********wxyz. You can find your API key at https://platform.openai.com/account/api-keys.',
      ['invalid_api_key'],
      'AUTH',
    ],
    [401, 'invalid x-api-key', ['authentication_error'], 'AUTH'],
    [403, 'Your API key does not have permission to use the specified resource.', ['permission_error'], 'AUTH'],
    [
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      ['permission_denied'],
      'AUTH',
    ],
  ] as const)('one model out of reach: %i "%s" → %s', (status, message, codes, expected) => {
    expect(classifyHttpFailure({ status, message, codes }).failureClass).toBe(expected);
  });

  it('keeps the message and takes the retry delay from headers first, then the body', () => {
    const headers = new Headers({ 'retry-after': '7' });
    expect(classifyHttpFailure({ status: 429, message: 'slow down', headers })).toEqual({
      failureClass: 'RATE_LIMIT',
      message: 'slow down',
      retryAfterMs: 7000,
    });
    expect(classifyHttpFailure({ status: 429, message: 'x', bodyRetryAfterMs: 23000 }).retryAfterMs).toBe(23000);
    expect(classifyHttpFailure({ status: 503, message: '' }).message).toBe('Upstream answered HTTP 503');
  });
});

describe('redactSecrets', () => {
  it('removes key-shaped tokens, masked or not', () => {
    const message = classifyHttpFailure({ status: 401, message: 'Incorrect API key provided: sk-proj-****abcd. See docs.' }).message;
    expect(message).toBe('Incorrect API key provided: [redacted]. See docs.');
    expect(redactSecrets('bad gsk_abcdefghijkl and AIzaSyA1234567890abc and kp_ABCDEFGHIJ12')).toBe(
      'bad [redacted] and [redacted] and [redacted]',
    );
    expect(redactSecrets('model not found')).toBe('model not found');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '30' }), now)).toBe(30000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 10:00:45 GMT' }), now)).toBe(45000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 09:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter({ 'Retry-After-Ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': ['4'] }, now)).toBe(4000);
  });
  it('ignores garbage and absence', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
  it('reads protobuf durations', () => {
    expect(parseDurationMs('23s')).toBe(23000);
    expect(parseDurationMs('0.5s')).toBe(500);
    expect(parseDurationMs('soon')).toBeUndefined();
  });
});

describe('classifyTransportError', () => {
  const fetchFailed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
  it.each([
    [fetchFailed({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }), 'NETWORK'],
    [fetchFailed({ code: 'ENOTFOUND' }), 'NETWORK'],
    [fetchFailed({ code: 'UND_ERR_SOCKET' }), 'NETWORK'],
    [fetchFailed({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'TIMEOUT'],
    [Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'TIMEOUT'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'TIMEOUT'],
    [new DOMException('This operation was aborted', 'AbortError'), 'CANCELLED'],
    [new Error('something odd'), 'NETWORK'],
  ] as const)('%s → %s', (error, expected) => {
    expect(classifyTransportError(error).failureClass).toBe(expected);
  });
});
