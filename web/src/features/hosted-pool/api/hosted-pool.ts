import { useMutation, useQuery } from '@apollo/client/react';
import { HostedKeyPoolDocument, SetHostedKeyStateDocument } from '../../../graphql/generated.js';

export function useHostedKeyPool() {
  return useQuery(HostedKeyPoolDocument, { pollInterval: 15_000 });
}

export function useSetHostedKeyState() {
  return useMutation(SetHostedKeyStateDocument, { refetchQueries: [{ query: HostedKeyPoolDocument }] });
}
