import { type Dispatcher, request } from 'undici';
import type { PrismaClient } from '../../db/database.js';
import { readUpTo } from '../../net/read-up-to.js';
import { createGuardedAgent } from '../../net/safe-dispatcher.js';
import { UpstreamAddressRefused } from '../../net/upstream-address.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { redactSecrets } from '../../providers/classify-failure.js';
import { cutOffText } from '../../providers/scrub-text.js';
import type { KeyRing } from '../../secrets/key-ring.js';
import { AlertOutbox, type ClaimedDelivery, type DeliveryOutcome } from './alert-outbox.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './retry-delay.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

export interface WebhookDispatcherOptions {
  /** Pause between passes over the outbox. */
  intervalMs: number;
  /** The first retry's delay (doubling after each failed attempt, with jitter). */
  retryBaseMs: number;
  /** A receiver must answer (headers and body) within this long. */
  timeoutMs?: number;
  /** KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: webhook URLs may reach private addresses. */
  allowPrivate: boolean;
  /** Deliveries attempted at once per pass. */
  batchSize?: number;
}

/** How much of a receiver's answer the delivery log keeps. */
const RESPONSE_LIMIT = 500;
/**
 * How much of it is read: RESPONSE_LIMIT characters in any UTF-8, with room for a key that
 * straddles the 500th to be read whole (and so redacted whole) before the log's cut.
 */
const READ_LIMIT_BYTES = 8 * RESPONSE_LIMIT;

/**
 * Delivers the alert outbox off the request path, on every instance: fans new events out to
 * their webhooks, claims due deliveries, POSTs each signed (SIGNATURE_HEADER), and records the
 * answer (status code, body truncated and scrubbed) or schedules a retry with backoff. URLs are
 * connected through the guarded agent: a private address is refused at connect time, whatever
 * DNS answered when the webhook was created.
 */
export class WebhookDispatcher {
  private readonly outbox: AlertOutbox;
  private readonly agent: Dispatcher;
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Attempts under way (at most batchSize): a pass claims only the free slots. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The last pass filled every free slot, so more may be due: the next pass runs when a slot frees. */
  private saturated = false;

  constructor(
    prisma: PrismaClient,
    private readonly keyRing: KeyRing,
    private readonly logger: Logger,
    private readonly metrics: Pick<Metrics, 'alertEvents' | 'webhookDeliveries'>,
    private readonly options: WebhookDispatcherOptions,
  ) {
    this.outbox = new AlertOutbox(prisma);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 20;
    this.agent = createGuardedAgent({ allowPrivate: options.allowPrivate, keepAliveTimeout: 10_000, connections: 16 });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.all(this.inFlight);
    await this.agent.close();
  }

  /** One pass, waiting for its attempts: fan out new events, then attempt what is due. Returns how many attempts were made. */
  async runOnce(): Promise<number> {
    const attempts = await this.startDue();
    await Promise.all(attempts);
    return attempts.length;
  }

  /**
   * Fan out new events, then claim as many due deliveries as there are free slots and start them.
   * Scheduled passes do not wait for the attempts: waiting for a whole batch let one tenant's
   * receivers that hang for the full timeout hold every other organization's alerts back with
   * them. Now they hold only their own slots; each slot is claimed again as soon as it frees.
   */
  private async startDue(): Promise<Promise<void>[]> {
    for (const type of await this.outbox.fanOut()) this.metrics.alertEvents.inc({ event: type });
    const free = this.batchSize - this.inFlight.size;
    const claimed = free > 0 ? await this.outbox.claimDue(free, this.timeoutMs + 30_000) : [];
    this.saturated = claimed.length === free;
    return claimed.map((delivery) => {
      const attempt = this.attempt(delivery);
      const slot: Promise<void> = attempt
        .catch((err: unknown) => this.logger.warn({ err }, 'Webhook delivery attempt failed; its lease will expire and it is retried'))
        .finally(() => {
          this.inFlight.delete(slot);
          if (this.saturated && this.timer === null && this.running === null) this.schedule(0);
        });
      this.inFlight.add(slot);
      return attempt;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.startDue()
        .then(() => {
          this.running = null;
          // Saturated: the next pass starts when a slot frees (or now, if one already has).
          if (!this.saturated) this.schedule(this.options.intervalMs);
          else if (this.inFlight.size < this.batchSize) this.schedule(0);
        })
        .catch((err: unknown) => {
          this.running = null;
          this.logger.warn({ err }, 'Webhook delivery pass failed; will retry');
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { outcome, refused } = await this.post(delivery);
    const result = refused ? 'refused' : outcome.status === 'DELIVERED' ? 'delivered' : outcome.status === 'FAILED' ? 'failed' : 'retry';
    this.metrics.webhookDeliveries.inc({ result });
    await this.outbox.finish(outcome);
  }

  private async post(delivery: ClaimedDelivery): Promise<{ outcome: DeliveryOutcome; refused: boolean }> {
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.type,
      createdAt: new Date(delivery.createdAt).toISOString(),
      organizationId: delivery.organizationId,
      data: delivery.data,
    });
    const failed = (statusCode: number | null, response: string): DeliveryOutcome => {
      const last = delivery.attempts >= MAX_DELIVERY_ATTEMPTS;
      return {
        id: delivery.id,
        attempts: delivery.attempts,
        status: last ? 'FAILED' : 'PENDING',
        statusCode,
        response,
        retryInMs: last ? 0 : retryDelayMs(delivery.attempts, this.options.retryBaseMs),
      };
    };
    try {
      const secret = this.keyRing.open(delivery);
      const response = await request(delivery.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'keyplane-webhooks',
          'x-keyplane-event': delivery.type,
          'x-keyplane-delivery': delivery.id,
          [SIGNATURE_HEADER]: signWebhookBody(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = scrubbed(await readLimited(response.body));
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      const delivered = {
        id: delivery.id,
        attempts: delivery.attempts,
        status: 'DELIVERED',
        statusCode: response.statusCode,
        response: text,
      };
      if (ok) return { outcome: { ...delivered, status: 'DELIVERED', retryInMs: 0 }, refused: false };
      // Redirects are not followed (a redirect could lead inside the network): a 3xx is a failure.
      return { outcome: failed(response.statusCode, text), refused: false };
    } catch (error) {
      const refused = error instanceof UpstreamAddressRefused || (error as { cause?: unknown }).cause instanceof UpstreamAddressRefused;
      return { outcome: failed(null, scrubbed(describe(error))), refused };
    }
  }
}

/**
 * The first READ_LIMIT_BYTES of a body as text. The rest is not read: leaving the loop ends the
 * body (and its connection), where draining it let a receiver hold the attempt with an endless answer.
 */
async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const { bytes, complete } = await readUpTo(body, READ_LIMIT_BYTES);
  if (complete) return new TextDecoder().decode(bytes);
  // `stream: true` leaves out a character cut in half; the cut may also split a key.
  return cutOffText(new TextDecoder().decode(bytes, { stream: true }));
}

const scrubbed = (text: string) => {
  const clean = redactSecrets(text);
  return clean.length > RESPONSE_LIMIT ? `${clean.slice(0, RESPONSE_LIMIT)}…` : clean;
};

function describe(error: unknown): string {
  const err = error as { name?: string; message?: string; code?: string; cause?: { message?: string } };
  if (err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') return 'timed out';
  const cause = err.cause?.message ? `: ${err.cause.message}` : '';
  return `could not deliver: ${err.message ?? String(error)}${cause}`;
}
