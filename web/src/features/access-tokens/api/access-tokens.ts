import { useMutation, useQuery } from '@apollo/client/react';
import { AccessTokensDocument, CreateAccessTokenDocument, RevokeAccessTokenDocument } from '../../../graphql/generated.js';

export function useAccessTokens() {
  return useQuery(AccessTokensDocument, { fetchPolicy: 'cache-and-network' });
}

export function useCreateAccessToken() {
  return useMutation(CreateAccessTokenDocument, { refetchQueries: [{ query: AccessTokensDocument }], awaitRefetchQueries: true });
}

/** The reply updates the cached token (by id): the list shows it revoked at once. */
export function useRevokeAccessToken() {
  return useMutation(RevokeAccessTokenDocument);
}
