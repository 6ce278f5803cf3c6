import type { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { DomainError, RateLimitedError } from '../domain/errors.js';

interface Logger {
  error(object: object, message: string): void;
}

/**
 * Map every error to the contract's codes. Validation details keep the field and the rule,
 * never the submitted value (for setProviderKey that would be the plaintext key).
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown }).originalError ?? error;
    const path = formatted.path ? { path: formatted.path } : {};
    if (original instanceof DomainError) {
      const retry = original instanceof RateLimitedError ? { retryAfterSeconds: original.retryAfterSeconds } : {};
      return { message: original.message, ...path, extensions: { code: original.code, ...retry } };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors.map((issue) => ({
        property: issue.property,
        constraints: issue.constraints ?? {},
      }));
      const first = fields.flatMap((field) => Object.values(field.constraints))[0];
      return { message: first ? `Invalid input: ${first}` : 'Invalid input', ...path, extensions: { code: 'BAD_USER_INPUT', fields } };
    }
    const code = formatted.extensions?.code;
    if (code === 'UNAUTHORIZED') return { message: 'You do not have access to this', ...path, extensions: { code: 'FORBIDDEN' } };
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      // Parse, validation and variable-coercion errors from graphql-js/Apollo: the caller's fault.
      const message = withoutSubmittedValues(formatted.message);
      return { message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...path, extensions: { code } };
    }
    if (isDatabaseUnavailable(original)) {
      return { message: 'keyplane cannot reach its database; try again shortly', ...path, extensions: { code: 'UNAVAILABLE' } };
    }
    const requestId = (error as { requestId?: string }).requestId;
    logger.error({ err: original }, 'GraphQL resolver failed');
    return {
      message: `Internal error${requestId ? ` (request ${requestId})` : ''}; it has been logged`,
      ...path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

const VARIABLE_PREFIX = /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" got invalid value /;

/**
 * graphql-js quotes what the caller sent: `Variable "$input" got invalid value { key: "sk-…" }; …`
 * and `Syntax Error: Expected ":", found String "sk-…"` with a source excerpt. Keep the reason,
 * drop the value, which may be the very secret being submitted.
 */
export function withoutSubmittedValues(message: string): string {
  // Scalar coercion: `Int cannot represent non-integer value: "sk-…"`.
  return withoutVariableValue(message).replace(/( cannot represent [^:]*): [\s\S]*$/, '$1.');
}

function withoutVariableValue(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  if (firstLine.startsWith('Syntax Error:')) return firstLine.replace(/found (Block)?String .*$/, 'found a string.');
  if (message.startsWith('Expected value of type ')) return message.replace(/, found [\s\S]*$/, '.');
  const head = VARIABLE_PREFIX.exec(message);
  if (!head) return message;
  // Skip the printed value: JSON-quoted strings inside {…}/[…] until " at \"path\"" or "; ".
  let depth = 0;
  let i = head[0].length;
  for (; i < message.length; i += 1) {
    const ch = message[i];
    if (ch === '"') {
      for (i += 1; i < message.length && message[i] !== '"'; i += 1) if (message[i] === '\\') i += 1;
    } else if (ch === '{' || ch === '[') depth += 1;
    else if (ch === '}' || ch === ']') depth -= 1;
    else if (depth <= 0 && (message.startsWith('; ', i) || message.startsWith(' at "', i))) break;
  }
  return `${head[0].trimEnd()}${message.slice(i)}`;
}
