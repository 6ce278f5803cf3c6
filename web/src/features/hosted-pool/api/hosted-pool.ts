import { useMutation, useQuery } from '@apollo/client/react';
import { HostedKeyPoolDocument, SetHostedKeyStateDocument, SetProviderLimiterDocument } from '../../../graphql/generated.js';

export function useHostedKeyPool() {
  return useQuery(HostedKeyPoolDocument, { pollInterval: 15_000 });
}

export function useSetHostedKeyState() {
  return useMutation(SetHostedKeyStateDocument, { refetchQueries: [{ query: HostedKeyPoolDocument }] });
}

/** The reply is the ProviderSetting (cached by provider), so the page shows the new limiter at once. */
export function useSetProviderLimiter() {
  return useMutation(SetProviderLimiterDocument);
}
