import type { Dispatcher } from 'undici';
import type { ProviderAdapter } from '../../providers/adapter.js';
import { readErrorText } from '../stages/upstream-body.js';

/**
 * What the key check found: the provider refuses the key itself (`rejected`), serves it
 * (`accepted`: the 401/403 was about the request), or could not be asked (`unknown`).
 */
export type KeyCheckOutcome = 'rejected' | 'accepted' | 'unknown';

/** Where to ask, and with what: the key's own request, nothing of any tenant's in it. */
export interface KeyCheckTarget {
  /** Where the key's state lives (a hosted key's name, a stored key's id): one check at a time per key. */
  stateKey: string;
  adapter: Pick<ProviderAdapter, 'keyCheckPath' | 'authHeaders' | 'classifyError'>;
  baseUrl: string;
  apiKey: string;
  dispatcher: Dispatcher;
}

export interface KeyCheckOptions {
  timeoutMs: number;
  /** How long a key found serving, or that could not be checked, is taken as such without asking again. */
  rememberForMs?: number;
  now?: () => number;
}

/** Keys remembered, at most: past it the oldest is forgotten (a re-check is only one GET). */
const MAX_REMEMBERED = 10_000;

/**
 * A refusal of the key that is about its scopes rather than the key: OpenAI's restricted keys
 * answer "You have insufficient permissions for this operation. Missing scopes: api.model.read"
 * to a model list they may not read, while they may generate.
 */
const SCOPE_REFUSAL = /\bscopes?\b|insufficient permissions|permission to/i;

/**
 * Before a key is disabled for a 401/403, the provider is asked for its model list with that
 * key alone. A tenant controls the request — a beta header, a file or cache it does not own, an
 * endpoint a restricted key may not use — and some providers answer those with 403; taking each
 * such answer as a revoked key would let one request take shared pool keys out of service for
 * every organization (and a retry take the next one). Checks of one key share one request, and a
 * key found serving, or that could not be checked, is not asked about again for `rememberForMs`.
 * Only an answer that refuses the key itself (401, Gemini's API_KEY_INVALID) disables it: a 403,
 * or a refusal about the key's scopes, says the key may not list models, not that it is revoked.
 */
export class KeyCheck {
  private readonly inFlight = new Map<string, Promise<KeyCheckOutcome>>();
  /** Recent outcomes other than `rejected` (a disabled key is not used again), oldest first. */
  private readonly remembered = new Map<string, { outcome: KeyCheckOutcome; until: number }>();
  private readonly rememberForMs: number;
  private readonly now: () => number;

  constructor(private readonly options: KeyCheckOptions) {
    this.rememberForMs = options.rememberForMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  check(target: KeyCheckTarget): Promise<KeyCheckOutcome> {
    const known = this.remembered.get(target.stateKey);
    if (known && known.until > this.now()) return Promise.resolve(known.outcome);
    const running = this.inFlight.get(target.stateKey);
    if (running) return running;
    const checking = this.ask(target).then((outcome) => {
      this.inFlight.delete(target.stateKey);
      this.remembered.delete(target.stateKey);
      if (outcome !== 'rejected') {
        if (this.remembered.size >= MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
        this.remembered.set(target.stateKey, { outcome, until: this.now() + this.rememberForMs });
      }
      return outcome;
    });
    this.inFlight.set(target.stateKey, checking);
    return checking;
  }

  private async ask(target: KeyCheckTarget): Promise<KeyCheckOutcome> {
    try {
      const url = new URL(`${target.baseUrl.replace(/\/+$/, '')}${target.adapter.keyCheckPath}`);
      const response = await target.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: 'application/json', ...target.adapter.authHeaders(target.apiKey) },
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      if (response.statusCode >= 200 && response.statusCode < 300) {
        await response.body.dump();
        return 'accepted';
      }
      // The provider's own classifier reads the answer (Gemini refuses a bad key with a 400).
      const body = await readErrorText(response.body);
      const failure = target.adapter.classifyError({ status: response.statusCode, body, headers: response.headers });
      const keyRefused = failure.failureClass === 'AUTH' && response.statusCode !== 403 && !SCOPE_REFUSAL.test(failure.message);
      return keyRefused ? 'rejected' : 'unknown';
    } catch {
      // Unreachable, refused (a custom base URL pointing inside) or timed out: nothing is known.
      return 'unknown';
    }
  }
}
