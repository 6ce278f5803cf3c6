import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus series (docs/api.md, metrics). Hosted-key series are labelled by the key's *name* (its env
 * variable), never its value.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    requests: counter('keyplane_requests_total', 'Gateway requests by outcome', ['provider', 'model', 'status', 'key_source'] as const),
    requestDuration: new Histogram({
      name: 'keyplane_request_duration_seconds',
      help: 'Gateway request duration, from arrival to the last byte',
      labelNames: ['provider', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    hostedKeyUsed: counter('keyplane_hosted_key_used_total', 'Calls served by a hosted key', ['provider', 'key_name'] as const),
    hostedKeyFailed: counter('keyplane_hosted_key_failed_total', 'Hosted key calls that failed', [
      'provider',
      'key_name',
      'reason',
    ] as const),
    hostedKeyCost: counter('keyplane_hosted_key_cost_charged_usd_total', 'Billed cost of calls served by hosted keys, USD', [
      'provider',
      'key_name',
    ] as const),
    hostedKeyThrottled: counter('keyplane_hosted_key_throttled_total', 'Requests the hosted pool could not serve at once', [
      'provider',
      'reason',
    ] as const),
    hostedKeyQueueWait: new Histogram({
      name: 'keyplane_hosted_key_queue_wait_seconds',
      help: 'Time a request waited in the hosted pool queue',
      labelNames: ['provider'] as const,
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    unpricedCalls: counter('keyplane_unpriced_calls_total', 'Successful calls whose cost could not be computed', [
      'provider',
      'model',
    ] as const),
    alertEvents: counter('keyplane_alert_events_total', 'Alert events (budget.threshold, credits.low, hosted pool) sent to webhooks', [
      'event',
    ] as const),
    webhookDeliveries: counter(
      'keyplane_webhook_deliveries_total',
      'Webhook delivery attempts: delivered, retry (will try again), failed (gave up), refused (private address)',
      ['result'] as const,
    ),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
