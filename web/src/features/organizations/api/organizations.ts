import { useMutation, useQuery } from '@apollo/client/react';
import {
  AddMemberDocument,
  CreateOrganizationDocument,
  CreateProjectDocument,
  DeleteProviderKeyDocument,
  OrganizationDetailDocument,
  OrganizationsDocument,
  RemoveMemberDocument,
  SetProviderKeyDocument,
  UpdateProjectDocument,
} from '../../../graphql/generated.js';

export function useOrganizations() {
  return useQuery(OrganizationsDocument);
}

export function useOrganization(id: string) {
  return useQuery(OrganizationDetailDocument, { variables: { id } });
}

const refetchOrganization = (id: string) => [{ query: OrganizationDetailDocument, variables: { id } }, { query: OrganizationsDocument }];

export function useCreateOrganization() {
  return useMutation(CreateOrganizationDocument, { refetchQueries: [{ query: OrganizationsDocument }], awaitRefetchQueries: true });
}

export function useAddMember(organizationId: string) {
  return useMutation(AddMemberDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useRemoveMember(organizationId: string) {
  return useMutation(RemoveMemberDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useCreateProject(organizationId: string) {
  return useMutation(CreateProjectDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useUpdateProject() {
  return useMutation(UpdateProjectDocument);
}

export function useSetProviderKey(organizationId: string) {
  return useMutation(SetProviderKeyDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useDeleteProviderKey(organizationId: string) {
  return useMutation(DeleteProviderKeyDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}
