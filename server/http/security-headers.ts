import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The dashboard's policy: its own built scripts, styles and API only. React and recharts set
 * styles through the CSSOM (element.style), which style-src does not govern, so no
 * 'unsafe-inline' is needed (the browser test fails on any violation).
 */
const DASHBOARD_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Apollo's landing page on GET /graphql is an inline script loading the Sandbox from its CDN. */
const GRAPHQL_POLICY = "frame-ancestors 'none'";

/** As name/value pairs once, not an entries array built on every request. */
const COMMON: readonly (readonly [string, string])[] = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
];

/**
 * Security headers on every response. Set on the raw response before routing (request-guards.ts),
 * so they also reach answers written past Fastify (the gateway's hijacked streams) and error replies.
 */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const raw = reply.raw;
  for (const [name, value] of COMMON) raw.setHeader(name, value);
  raw.setHeader('content-security-policy', request.url.startsWith('/graphql') ? GRAPHQL_POLICY : DASHBOARD_POLICY);
}
