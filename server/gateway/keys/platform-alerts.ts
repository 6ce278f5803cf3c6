import type { AlertOutbox } from '../../domain/webhooks/alert-outbox.js';
import type { Logger } from '../../observability/logger.js';
import type { HostedKeyPool } from './hosted-pool.js';

/** Requests racing into the same failure within this window report it once. */
const BUCKET_MS = 60_000;

/**
 * Operators' alerts about the platform's keys (hosted pool and env keys), recorded in the alert
 * outbox for platform webhooks (organizationId null): a key disabled after an authentication
 * failure, and a provider whose every hosted key is resting. Recorded off the request path
 * (never awaited by a request); a lost record is logged, not retried.
 */
export class PlatformAlerts {
  constructor(
    private readonly outbox: Pick<AlertOutbox, 'record'>,
    private readonly pool: Pick<HostedKeyPool, 'availability' | 'hasKeys'>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A hosted or env key was disabled (`keyName` is its variable name, never its value). */
  keyDisabled(provider: string, keyName: string, reason: string): void {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    this.record(`hosted_key.disabled:${keyName}:${bucket}`, 'hosted_key.disabled', { provider, keyName, reason: reason.slice(0, 200) });
  }

  /** A hosted key started cooling down: if none of the provider's pool is left, say so. */
  keyCooling(provider: string): void {
    if (!this.pool.hasKeys(provider)) return;
    void this.pool
      .availability(provider)
      .then(({ available, retryAfterMs }) => {
        if (available) return;
        const bucket = Math.floor(this.now() / BUCKET_MS);
        this.record(`provider.cooling_down:${provider}:${bucket}`, 'provider.cooling_down', { provider, retryAfterMs });
      })
      .catch((err: unknown) => this.logger.warn({ err, provider }, 'Could not check the hosted pool for an alert'));
  }

  private record(eventKey: string, type: string, data: Record<string, unknown>): void {
    this.outbox
      .record({ eventKey, type, organizationId: null, data: data as Record<string, string> })
      .catch((err: unknown) => this.logger.warn({ err, type }, 'Could not record a platform alert'));
  }
}
