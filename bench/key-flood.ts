/**
 * A client sending gateway keys that do not exist, each request a different one (guessing, or
 * flooding: anyone who can reach the gateway can): every one a cache miss the gateway must look
 * up and refuse. What it costs the tenants sending traffic meanwhile is what `tail-probe
 * --random-keys` and the production bench's flood row measure.
 */
import { randomBytes } from 'node:crypto';
import { fixedRate, type Target } from './load.js';

export interface KeyFlood {
  /** Stops the flood; resolves with how many requests it sent and how many were answered 2xx (none should be). */
  stop(): Promise<{ sent: number; accepted: number }>;
}

/** Sends `rate` requests a second to `target` with random keys, a second at a time, until stopped. */
export function startKeyFlood(target: Target, rate: number): KeyFlood {
  let stopped = false;
  let sent = 0;
  let accepted = 0;
  const loop = (async () => {
    while (!stopped) {
      // New keys every second, so none is ever answered from the gateway's cache of unknown keys.
      const rotate = Array.from({ length: rate }, () => ({ authorization: `Bearer kp_${randomBytes(24).toString('hex')}` }));
      const second = await fixedRate({ ...target, headers: {}, rotate }, { rate, durationMs: 1_000, warmupMs: 0, stream: false });
      sent += second.sent;
      accepted += second.ok;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { sent, accepted };
    },
  };
}
