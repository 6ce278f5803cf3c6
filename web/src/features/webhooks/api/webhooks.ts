import { useMutation, useQuery } from '@apollo/client/react';
import { CreateWebhookDocument, DeleteWebhookDocument, OrganizationWebhooksDocument } from '../../../graphql/generated.js';

const refetchWebhooks = (organizationId: string) => [{ query: OrganizationWebhooksDocument, variables: { id: organizationId } }];

/** An organization's webhooks with their last deliveries (ADMIN+), refreshed while the page is open. */
export function useOrganizationWebhooks(organizationId: string) {
  return useQuery(OrganizationWebhooksDocument, { variables: { id: organizationId }, pollInterval: 10_000 });
}

export function useCreateWebhook(organizationId: string) {
  return useMutation(CreateWebhookDocument, { refetchQueries: refetchWebhooks(organizationId), awaitRefetchQueries: true });
}

export function useDeleteWebhook(organizationId: string) {
  return useMutation(DeleteWebhookDocument, { refetchQueries: refetchWebhooks(organizationId), awaitRefetchQueries: true });
}
