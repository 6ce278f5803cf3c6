import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from '../../../server/domain/webhooks/retry-delay.js';
import { signWebhookBody, verifyWebhookSignature } from '../../../server/domain/webhooks/webhook-signature.js';

describe('webhook retries and signatures', () => {
  it('backs off exponentially from the base, ±25 % jitter, capped at an hour', () => {
    expect(retryDelayMs(1, 5_000, 0.5)).toBe(5_000);
    expect(retryDelayMs(2, 5_000, 0.5)).toBe(10_000);
    expect(retryDelayMs(3, 5_000, 0)).toBe(15_000);
    expect(retryDelayMs(3, 5_000, 1)).toBe(25_000);
    expect(retryDelayMs(40, 5_000, 0.5)).toBe(3_600_000);
    const total = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1, 5_000, 0.5)).reduce((a, b) => a + b, 0);
    expect(total).toBe(635_000);
  });

  it('signs t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">, and a receiver verifies it', () => {
    const header = signWebhookBody('whsec_test', '{"a":1}', 1_700_000_000);
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(header).toBe('t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
    expect(verifyWebhookSignature('whsec_test', '{"a":1}', header, 1_700_000_100)).toBe(true);
    expect(verifyWebhookSignature('whsec_test', '{"a":2}', header, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', '{"a":1}', header, 1_700_000_100)).toBe(false);
    // Older than the 5-minute tolerance: a replay.
    expect(verifyWebhookSignature('whsec_test', '{"a":1}', header, 1_700_000_400)).toBe(false);
    expect(verifyWebhookSignature('whsec_test', '{"a":1}', null)).toBe(false);
  });
});
