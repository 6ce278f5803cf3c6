import { useMutation, useQuery } from '@apollo/client/react';
import { CreateGatewayKeyDocument, ProjectGatewayKeysDocument, RevokeGatewayKeyDocument } from '../../../graphql/generated.js';

export function useProjectGatewayKeys(projectId: string) {
  return useQuery(ProjectGatewayKeysDocument, { variables: { id: projectId } });
}

export function useCreateGatewayKey(projectId: string) {
  return useMutation(CreateGatewayKeyDocument, {
    refetchQueries: [{ query: ProjectGatewayKeysDocument, variables: { id: projectId } }],
    awaitRefetchQueries: true,
  });
}

export function useRevokeGatewayKey() {
  return useMutation(RevokeGatewayKeyDocument);
}
