import { PROVIDERS } from '../../shared/catalog/providers.js';
import type { FailureClass } from '../../shared/domain.js';
import { cutText, replaceMasked } from './scrub-text.js';

/** A failure in one of the failure classes (docs/api.md), with what the caller may show and when to retry. */
export interface ClassifiedFailure {
  failureClass: FailureClass;
  /** The upstream's message (or a description of the transport error). Never contains a key. */
  message: string;
  /** How long the key should rest, from Retry-After / retry-after-ms / the provider's body. */
  retryAfterMs?: number;
}

/** Header access that works for undici/fetch `Headers` and plain node objects. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What an adapter extracted from an upstream HTTP error. */
export interface HttpFailureInput {
  status: number;
  message: string;
  /** Provider error code/type/status strings (e.g. `insufficient_quota`, `rate_limit_error`). */
  codes?: readonly (string | null | undefined)[];
  headers?: HeaderSource;
  /** A delay the provider gave in its body (e.g. Gemini RetryInfo), used when headers give none. */
  bodyRetryAfterMs?: number;
}

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'quota_exceeded',
  'payment_required',
  'billing_error',
]);
const RATE_CODES = new Set(['rate_limit_exceeded', 'rate_limit_error', 'rate_limited', 'too_many_requests']);
const QUOTA_TEXT = /quota|billing|credit balance|insufficient (?:funds|balance|credits?)|payment|spend(?:ing)? limit/i;
const RATE_TEXT = /rate.?limit|too many requests|requests per (?:minute|second|day)|throttl/i;
// One model out of the key's reach (OpenAI/Groq "does not have access to model", "The model `x`
// does not exist or you do not have access to it", Gemini "models/x is not found"): the key
// itself still works for every other model.
const MODEL_CODES = new Set(['model_not_found']);
// Within one sentence; a dot followed by a non-space is part of a name (`llama-3.1-70b`).
const MODEL_TEXT =
  /\bmodels?\b(?:[^.]|\.\S){0,160}?\b(?:does not exist|do(?:es)? not have access|(?:is )?not found|not supported)|\b(?:access to|sample from) (?:the |this )?model\b/i;

function header(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Milliseconds to wait, from `retry-after-ms` (OpenAI-style) or `Retry-After`
 * (delta-seconds or an HTTP date). `now` is injectable for tests.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.round(Number(ms));
  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Parse a Go/protobuf duration such as `"23s"` or `"1.5s"` into milliseconds. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function classOf(status: number, message: string, codes: readonly string[]): FailureClass {
  const quotaCode = codes.some((c) => QUOTA_CODES.has(c));
  const rateCode = codes.some((c) => RATE_CODES.has(c));
  const quotaText = QUOTA_TEXT.test(message);
  const rateText = RATE_TEXT.test(message);
  if (status === 402) return 'QUOTA';
  if (status === 429) {
    if (quotaCode) return 'QUOTA';
    if (rateCode) return 'RATE_LIMIT';
    return quotaText ? 'QUOTA' : 'RATE_LIMIT';
  }
  if (status === 401 || status === 403) {
    // A key that is valid but out of money or throttled must not be disabled as if revoked.
    if (quotaCode || quotaText) return 'QUOTA';
    if (rateCode || rateText) return 'RATE_LIMIT';
    if (codes.some((c) => MODEL_CODES.has(c)) || MODEL_TEXT.test(message)) return 'BAD_REQUEST';
    return 'AUTH';
  }
  if (status === 408) return 'TIMEOUT';
  // Redirects are never followed (a tenant's upstream could point one inside): the upstream failed.
  if (status >= 300 && status < 400) return 'UPSTREAM_ERROR';
  if (status >= 500) return 'UPSTREAM_ERROR';
  // Some providers (Anthropic's "credit balance is too low") answer billing problems with a 400.
  if (status === 400 && (quotaCode || /credit balance|billing/i.test(message))) return 'QUOTA';
  return 'BAD_REQUEST';
}

// Keys keyplane never sends upstream but may see echoed: xAI `xai-…`, its own gateway keys `kp_…`.
const OTHER_KEY_SHAPES = [/xai-[A-Za-z0-9*]{8,}/, /kp_[A-Za-z0-9*]{8,}/];
// Key-shaped tokens: every provider's own pattern (the provider facts the registry reads), then the others.
const SECRET_LIKE = new RegExp(
  `\\b(?:${[...new Set([...PROVIDERS.flatMap((p) => p.redaction ?? []), ...OTHER_KEY_SHAPES].map((r) => r.source))].join('|')})`,
  'g',
);
// A mask around a key's visible ends (`****BBB2`, `ab12****`): masks are only ever put on keys.
// The token around it is widened by `replaceMasked`, not by a regex (which backtracks quadratically).
const KEY_MASK = /\*{3,}/;
// Keys without a prefix (Mistral's 32 alphanumerics, Together's 64 hex, custom servers' tokens):
// a long unbroken run mixing letters and digits. Model names and ids break into short words.
const LONG_TOKEN = /[A-Za-z0-9]{24,}/g;
// Two plain tests, not lookaheads: an unanchored `(?=.*[0-9])` rescans the token from each position.
const mixed = (token: string) => /[0-9]/.test(token) && /[A-Za-z]/.test(token);

/**
 * Replace anything shaped like an API key (even masked, as upstreams echo them) with `[redacted]`.
 * A text longer than MAX_SCRUBBED_CHARS is cut first (never inside a key), so its cost is bounded.
 */
export function redactSecrets(message: string): string {
  const masked = replaceMasked(cutText(message).replace(SECRET_LIKE, '[redacted]'), KEY_MASK, (token) =>
    /[A-Za-z0-9]/.test(token) ? '[redacted]' : token,
  );
  return masked.replace(LONG_TOKEN, (token) => (mixed(token) ? '[redacted]' : token));
}

/** The one classifier for upstream HTTP failures; every adapter calls it. Messages come back redacted. */
export function classifyHttpFailure(input: HttpFailureInput): ClassifiedFailure {
  const codes = (input.codes ?? []).filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase());
  // The upstream's text is the tenant's upstream's to choose: only its start is read.
  const text = cutText(input.message);
  const failureClass = classOf(input.status, text, codes);
  const retryAfterMs = parseRetryAfter(input.headers) ?? input.bodyRetryAfterMs;
  const message = redactSecrets(text) || `Upstream answered HTTP ${input.status}`;
  return retryAfterMs === undefined ? { failureClass, message } : { failureClass, message, retryAfterMs };
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ABORT_ERR_TIMEOUT',
]);

function errorChain(error: unknown): { name?: string; code?: string; message?: string }[] {
  const chain: { name?: string; code?: string; message?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    chain.push({
      name: typeof e.name === 'string' ? e.name : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
    });
    current = e.cause;
  }
  return chain;
}

/**
 * Classify an error thrown by the HTTP client before a response arrived (or
 * while reading one): TIMEOUT for timeouts, CANCELLED for aborts that were not
 * timeouts, NETWORK for everything else (refused, reset, DNS, TLS, closed sockets).
 */
export function classifyTransportError(error: unknown): ClassifiedFailure {
  const chain = errorChain(error);
  const detail =
    chain
      .map((e) => e.code ?? e.message ?? e.name)
      .filter(Boolean)
      .join(': ') || String(error);
  if (chain.some((e) => e.name === 'TimeoutError' || (e.code !== undefined && TIMEOUT_CODES.has(e.code)))) {
    return { failureClass: 'TIMEOUT', message: `Upstream timed out (${detail})` };
  }
  if (chain.some((e) => e.name === 'AbortError' || e.code === 'ABORT_ERR')) {
    return { failureClass: 'CANCELLED', message: 'Request was cancelled' };
  }
  return { failureClass: 'NETWORK', message: `Network error reaching upstream (${detail})` };
}
