import { useMutation, useQuery } from '@apollo/client/react';
import {
  AddMemberDocument,
  CreateOrganizationDocument,
  CreateProjectDocument,
  DeleteProviderKeyDocument,
  OrganizationDetailDocument,
  OrganizationsDocument,
  RemoveMemberDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  SetProviderKeyDocument,
  SetProviderKeyStateDocument,
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

export function useRevokeInvitation(organizationId: string) {
  return useMutation(RevokeInvitationDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useResendInvitation(organizationId: string) {
  return useMutation(ResendInvitationDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
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

/** Put a stored key back in service (or take it out); the server owns the state. */
export function useSetProviderKeyState(organizationId: string) {
  return useMutation(SetProviderKeyStateDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}

export function useDeleteProviderKey(organizationId: string) {
  return useMutation(DeleteProviderKeyDocument, { refetchQueries: refetchOrganization(organizationId), awaitRefetchQueries: true });
}
