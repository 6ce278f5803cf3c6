import { useState } from 'react';
import { DeleteButton } from '../../../components/delete-button.js';
import { formatDateTime } from '../../../components/format.js';
import { InlineForm } from '../../../components/inline-form.js';
import { SecretOnceDialog } from '../../../components/secret-once-dialog.js';
import {
  deliveryOutcome,
  describeEventKey,
  EMPTY_WEBHOOK_FORM,
  ORGANIZATION_EVENTS,
  type Webhook,
  type WebhookErrors,
  type WebhookFormValues,
} from '../model/webhook-form.js';

/** An organization's alert webhooks: list with the last deliveries, create (secret shown once), delete. */
export function WebhooksSection(props: {
  webhooks: Webhook[];
  errors: WebhookErrors;
  /** The new webhook's signing secret, until the dialog is closed. */
  secret: string | null;
  onCreate(values: WebhookFormValues): Promise<boolean>;
  onDelete(webhook: Webhook): void;
  onSecretClosed(): void;
}) {
  const [values, setValues] = useState<WebhookFormValues>(EMPTY_WEBHOOK_FORM);
  const toggle = (event: string) =>
    setValues((v) => ({ ...v, events: v.events.includes(event) ? v.events.filter((e) => e !== event) : [...v.events, event] }));
  return (
    <section className="card" aria-label="Webhooks">
      <header className="card-header">
        <h3>Webhooks</h3>
        <span className="muted">alerts POSTed as JSON, signed with x-keyplane-signature; see docs/api.md#webhooks</span>
      </header>
      {props.webhooks.length === 0 ? <p className="state state-empty">No webhooks.</p> : null}
      <ul className="rows" data-testid="webhooks">
        {props.webhooks.map((webhook) => (
          <li key={webhook.id} className="row webhook" data-testid={`webhook-${webhook.id}`}>
            <code>{webhook.url}</code>
            <span>
              {webhook.events.map((event) => (
                <code key={event} className="badge">
                  {event}
                </code>
              ))}
            </span>
            <span className="muted">added {formatDateTime(webhook.createdAt)}</span>
            <span className="row-actions">
              <DeleteButton label={`Delete webhook ${webhook.url}`} onDelete={() => props.onDelete(webhook)} />
            </span>
            <div className="table-scroll">
              <table className="table" aria-label={`Deliveries to ${webhook.url}`}>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Event</th>
                    <th>Outcome</th>
                    <th>Last response</th>
                  </tr>
                </thead>
                <tbody>
                  {webhook.deliveries.length === 0 ? (
                    <tr>
                      <td colSpan={4} className="muted">
                        Nothing sent yet.
                      </td>
                    </tr>
                  ) : null}
                  {webhook.deliveries.map((delivery) => (
                    <tr key={delivery.id} data-testid="webhook-delivery">
                      <td>{formatDateTime(delivery.createdAt)}</td>
                      <td>
                        <code>{delivery.eventType}</code> <span className="muted">{describeEventKey(delivery.eventKey)}</span>
                      </td>
                      <td>{deliveryOutcome(delivery)}</td>
                      <td>
                        <code className="muted">{delivery.lastResponse ?? ''}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </li>
        ))}
      </ul>
      <InlineForm label="Add a webhook" onSave={() => props.onCreate(values)} onSaved={() => setValues(EMPTY_WEBHOOK_FORM)}>
        <label className="field">
          <span>URL</span>
          <input
            aria-label="Webhook URL"
            placeholder="https://hooks.example.com/keyplane"
            value={values.url}
            aria-invalid={Boolean(props.errors.url)}
            onChange={(e) => setValues((v) => ({ ...v, url: e.target.value }))}
          />
          {props.errors.url ? <span className="field-error">{props.errors.url}</span> : null}
        </label>
        <fieldset className="field">
          <legend>Events</legend>
          {ORGANIZATION_EVENTS.map((event) => (
            <label key={event.id} className="checkbox">
              <input type="checkbox" checked={values.events.includes(event.id)} onChange={() => toggle(event.id)} /> {event.label}
            </label>
          ))}
          {props.errors.events ? <span className="field-error">{props.errors.events}</span> : null}
        </fieldset>
        <div className="field">
          <button type="submit" className="button">
            Add webhook
          </button>
        </div>
        {props.errors.form ? <p className="field-error">{props.errors.form}</p> : null}
      </InlineForm>
      <SecretOnceDialog
        secret={props.secret}
        title="Your webhook's signing secret"
        testId="webhook-secret"
        onClose={props.onSecretClosed}
        usage={
          <>
            Verify each delivery's <code>x-keyplane-signature</code> (<code>t=…,v1=…</code>): HMAC-SHA256 of <code>t.body</code> with this
            secret.
          </>
        }
      />
    </section>
  );
}
