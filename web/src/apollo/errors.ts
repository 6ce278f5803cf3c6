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
