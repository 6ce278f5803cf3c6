import { CombinedGraphQLErrors, ServerError } from '@apollo/client';

/** The first GraphQL error code (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND), if any. */
export function errorCode(error: unknown): string | null {
  if (CombinedGraphQLErrors.is(error)) {
    const code = error.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : null;
  }
  if (ServerError.is(error) && error.statusCode === 401) return 'UNAUTHENTICATED';
  return null;
}

/** A sentence to show the user. */
export function errorMessage(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => e.message).join('; ');
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

/** Run a mutation; null on success, else the message to show inline beside the form. */
export async function attempt(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** A BAD_USER_INPUT reply broken down for a form: the message, and per-field messages where the API named the field. */
export interface InputError {
  code: string | null;
  message: string;
  /** input field name → message (from extensions.fields of argument validation) */
  fields: Record<string, string>;
}

export function inputError(error: unknown): InputError {
  const fields: Record<string, string> = {};
  if (CombinedGraphQLErrors.is(error)) {
    for (const e of error.errors) {
      const list = e.extensions?.fields;
      if (!Array.isArray(list)) continue;
      for (const item of list as { property?: unknown; constraints?: Record<string, unknown> }[]) {
        const first = Object.values(item.constraints ?? {})[0];
        if (typeof item.property === 'string' && typeof first === 'string' && !fields[item.property]) fields[item.property] = first;
      }
    }
  }
  return { code: errorCode(error), message: errorMessage(error), fields };
}

/** Run a mutation; null on success, else the error broken down for a form. */
export async function attemptForm(run: () => Promise<unknown>): Promise<InputError | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return inputError(error);
  }
}
