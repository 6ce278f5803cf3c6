import type { ClassifiedFailure } from '../providers/classify-failure.js';
import { redactSecrets } from '../providers/classify-failure.js';
import type { ProviderEvent } from '../providers/events.js';
import { cutText, replaceMasked } from '../providers/scrub-text.js';

const REDACTED = '[redacted]';
/** A run of the key this long is the key: shorter runs are too common in ordinary text to remove. */
const MIN_RUN = 8;
/** Shorter keys (a custom provider's `ollama`) can only be removed where they appear whole. */
const MIN_WHOLE = 4;
/** Visible ends of a masked echo (`sk-ab…wxyz`, `****BBB2`) that name the key from this length on. */
const MIN_MASK_END = 2;
/** Characters a key's visible part is made of, so a hit widens to its whole token. */
const KEY_CHAR = /[A-Za-z0-9_-]/;
const TOKEN = /[A-Za-z0-9_-]+/g;
/** A mask; `replaceMasked` widens it to the key characters either side in linear time. */
const MASK = /\*{2,}|\.{3}|…/;

/** Removes the one key an attempt sent upstream from everything the upstream answered. */
export interface SecretScrubber {
  text(message: string): string;
  failure(failure: ClassifiedFailure): ClassifiedFailure;
  events(events: AsyncIterable<ProviderEvent>): AsyncIterable<ProviderEvent>;
}

/**
 * Upstreams echo the key they were given in auth errors, whole or masked, and key shapes
 * without a known prefix (Mistral, Together, custom servers) slip past pattern redaction.
 * The gateway knows the exact key it sent, so it removes that key — any 8-character run
 * of it, a token that is its start or end, and masks showing its first or last characters —
 * and then applies the generic patterns as a second net.
 */
export function secretScrubber(secret: string): SecretScrubber {
  // Cut before searching (never inside a key): the search's cost stays bounded, and no half key is left.
  const text = (message: string) => redactSecrets(scrubKey(cutText(message), secret));
  return {
    text,
    failure: (failure) => ({ ...failure, message: text(failure.message) }),
    async *events(events) {
      for await (const event of events) yield event.type === 'error' ? { ...event, message: text(event.message) } : event;
    },
  };
}

function scrubKey(message: string, secret: string): string {
  if (secret.length < MIN_WHOLE || message === '') return message;
  let out = secret.length < MIN_RUN ? message.split(secret).join(REDACTED) : redactRuns(message, secret);
  out = replaceMasked(out, MASK, (masked, head, tail) => {
    const named = (head.length >= MIN_MASK_END && secret.startsWith(head)) || (tail.length >= MIN_MASK_END && secret.endsWith(tail));
    return named ? REDACTED : masked;
  });
  // A key cut off by a length limit (`not JSON: …sk-ab`) leaves its start or end as a token.
  return out.replace(TOKEN, (token) =>
    token.length >= MIN_WHOLE && (secret.startsWith(token) || secret.endsWith(token)) ? REDACTED : token,
  );
}

/** Every stretch sharing 8+ consecutive characters with the key, widened to its whole token. */
function redactRuns(message: string, secret: string): string {
  const grams = new Set<string>();
  for (let i = 0; i + MIN_RUN <= secret.length; i++) grams.add(secret.slice(i, i + MIN_RUN));
  const ranges: [number, number][] = [];
  for (let i = 0; i + MIN_RUN <= message.length; i++) {
    if (!grams.has(message.slice(i, i + MIN_RUN))) continue;
    const last = ranges[ranges.length - 1];
    // Inside a range already widened to its whole token: widening again (a scan of the token
    // per hit) would make a long echo of the key quadratic and find nothing new.
    if (last && i + MIN_RUN <= last[1]) continue;
    let start = i;
    let end = i + MIN_RUN;
    while (start > 0 && KEY_CHAR.test(message[start - 1] as string)) start--;
    while (end < message.length && KEY_CHAR.test(message[end] as string)) end++;
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  if (ranges.length === 0) return message;
  let out = '';
  let cursor = 0;
  for (const [start, end] of ranges) {
    out += message.slice(cursor, start) + REDACTED;
    cursor = end;
  }
  return out + message.slice(cursor);
}
