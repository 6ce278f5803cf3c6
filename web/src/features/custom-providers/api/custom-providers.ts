import { useMutation } from '@apollo/client/react';
import { DeleteCustomProviderDocument, OrganizationDetailDocument, SetCustomProviderDocument } from '../../../graphql/generated.js';

const refetchOrganization = (organizationId: string) => [{ query: OrganizationDetailDocument, variables: { id: organizationId } }];

export function useSetCustomProvider(organizationId: string) {
  return useMutation(SetCustomProviderDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useDeleteCustomProvider(organizationId: string) {
  return useMutation(DeleteCustomProviderDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}
