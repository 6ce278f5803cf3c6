import { describe, expect, it } from 'vitest';
import {
  deliveryOutcome,
  describeEventKey,
  EMPTY_WEBHOOK_FORM,
  parseWebhookForm,
} from '../../web/src/features/webhooks/model/webhook-form.js';

describe('webhook form and delivery log', () => {
  it('needs an http(s) URL and at least one event; the server keeps the private-address rule', () => {
    expect(parseWebhookForm('org-1', { url: ' https://hooks.example.com/k ', events: ['credits.low'] })).toEqual({
      ok: true,
      input: { organizationId: 'org-1', url: 'https://hooks.example.com/k', events: ['credits.low'] },
    });
    const bad = parseWebhookForm('org-1', { url: 'ftp://x', events: [] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['events', 'url']);
    expect(EMPTY_WEBHOOK_FORM.events).toEqual(['budget.threshold', 'credits.low']);
  });

  it('says what happened to a delivery in words', () => {
    expect(deliveryOutcome({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200 })).toBe('Delivered (HTTP 200, 1 attempt)');
    expect(deliveryOutcome({ status: 'PENDING', attempts: 2, lastStatusCode: 500 })).toBe('Retrying (last: HTTP 500, 2 attempts)');
    expect(deliveryOutcome({ status: 'PENDING', attempts: 0, lastStatusCode: null })).toBe('Queued');
    expect(deliveryOutcome({ status: 'FAILED', attempts: 8, lastStatusCode: null })).toBe('Gave up after 8 attempts (last: no answer)');
    expect(describeEventKey('budget.threshold:3f0c-…:2026-11:80')).toBe('2026-11 · 80 %');
    expect(describeEventKey('credits.low:org:5:none')).toBe('');
  });
});
