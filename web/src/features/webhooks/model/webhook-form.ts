/** The webhook form and how a delivery reads in the log (pure; tested in test/web/webhook-model.test.ts). */
import type { CreateWebhookInput, WebhookDeliveryFieldsFragment, WebhookFieldsFragment } from '../../../graphql/generated.js';

export type Webhook = WebhookFieldsFragment;
export type WebhookDelivery = WebhookDeliveryFieldsFragment;

/** The events an organization's webhook can receive, with what each means. */
export const ORGANIZATION_EVENTS = [
  { id: 'budget.threshold', label: 'budget.threshold — a key, tag or end-user budget passes 50, 80 or 100 %' },
  { id: 'credits.low', label: 'credits.low — the credit balance falls below the organization’s level' },
] as const;

export interface WebhookFormValues {
  url: string;
  events: readonly string[];
}

export const EMPTY_WEBHOOK_FORM: WebhookFormValues = { url: '', events: ORGANIZATION_EVENTS.map((event) => event.id) };

export type WebhookErrors = Partial<Record<'url' | 'events' | 'form', string>>;

/** Quick checks before the API's own (the private-address rule stays the server's). */
export function parseWebhookForm(
  organizationId: string,
  values: WebhookFormValues,
): { ok: true; input: CreateWebhookInput } | { ok: false; errors: WebhookErrors } {
  const errors: WebhookErrors = {};
  const url = values.url.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) errors.url = 'Enter an http(s) URL';
  if (values.events.length === 0) errors.events = 'Choose at least one event';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { organizationId, url, events: [...values.events] } };
}

/** One line of the delivery log: what happened, in words. */
export function deliveryOutcome(delivery: Pick<WebhookDelivery, 'status' | 'attempts' | 'lastStatusCode'>): string {
  const tries = delivery.attempts === 1 ? '1 attempt' : `${delivery.attempts} attempts`;
  const answer =
    delivery.lastStatusCode === null || delivery.lastStatusCode === undefined ? 'no answer' : `HTTP ${delivery.lastStatusCode}`;
  if (delivery.status === 'DELIVERED') return `Delivered (${answer}, ${tries})`;
  if (delivery.status === 'FAILED') return `Gave up after ${tries} (last: ${answer})`;
  if (delivery.attempts === 0) return 'Queued';
  return `Retrying (last: ${answer}, ${tries})`;
}

/** A crossing's key without the ids that mean nothing on screen: "budget.threshold … 2026-11 · 80 %". */
export function describeEventKey(eventKey: string): string {
  const parts = eventKey.split(':');
  if (parts[0] === 'budget.threshold' && parts.length >= 4) return `${parts.at(-2)} · ${parts.at(-1)} %`;
  return '';
}
