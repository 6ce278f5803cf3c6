import { useState } from 'react';
import { attempt, attemptForm } from '../../apollo/errors.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { QueryState } from '../../components/states.js';
import { useCreateWebhook, useDeleteWebhook, useOrganizationWebhooks } from '../../features/webhooks/api/webhooks.js';
import { WebhooksSection } from '../../features/webhooks/components/webhooks-section.js';
import { parseWebhookForm, type Webhook, type WebhookErrors } from '../../features/webhooks/model/webhook-form.js';

/** The organization page's webhooks card (ADMIN+): its own query, so members never ask for it. */
export function OrganizationWebhooks({ organizationId }: { organizationId: string }) {
  const { data, loading, error, refetch } = useOrganizationWebhooks(organizationId);
  const [createWebhook] = useCreateWebhook(organizationId);
  const [deleteWebhook] = useDeleteWebhook(organizationId);
  const [errors, setErrors] = useState<WebhookErrors>({});
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  return (
    <QueryState loading={loading} error={error} empty={!data} emptyText="Webhooks are not available." retry={() => void refetch()}>
      <WebhooksSection
        webhooks={data?.organization.webhooks ?? []}
        errors={errors}
        secret={secret}
        onSecretClosed={() => setSecret(null)}
        onCreate={async (values) => {
          const parsed = parseWebhookForm(organizationId, values);
          if (!parsed.ok) {
            setErrors(parsed.errors);
            return false;
          }
          let created: string | null = null;
          const failure = await attemptForm(async () => {
            created = (await createWebhook({ variables: { input: parsed.input } })).data?.createWebhook.secret ?? null;
          });
          setErrors(failure ? { form: failure.message } : {});
          if (created) setSecret(created);
          return !failure;
        }}
        onDelete={(webhook) => setDeleting(webhook)}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting) {
            const message = await attempt(() => deleteWebhook({ variables: { id: deleting.id } }));
            setErrors(message ? { form: message } : {});
          }
          setDeleting(null);
        }}
      >
        <p>{deleting?.url} stops receiving alerts; its delivery log is deleted with it.</p>
      </ConfirmDialog>
    </QueryState>
  );
}
