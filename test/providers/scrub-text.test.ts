import { describe, expect, it } from 'vitest';
import { secretScrubber } from '../../server/gateway/secret-scrubber.js';
import { classifyHttpFailure, redactSecrets } from '../../server/providers/classify-failure.js';
import { cutOffText, cutText, MAX_SCRUBBED_CHARS, replaceMasked } from '../../server/providers/scrub-text.js';

const KEY = 'Zq8vB3nL0pXr7TfK2mWc9HdY4sJe6UaG'; // no prefix: only the scrubber that knows it finds it
const OPENAI_KEY = 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56';
const HOSTILE = 200_000;

/** Milliseconds `work` takes, and what it returned. */
function timed<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * A tenant's upstream chooses its error texts: a long run of key characters with no mask made the
 * masked-key regexes quadratic (40,000 characters took 4.5 s, 200,000 would take minutes).
 * Scrubbing is now linear and reads only the start of a text.
 */
describe('scrubbing a hostile upstream text', () => {
  const texts: [string, string][] = [
    ['a run of letters in a JSON error', `{"error":"${'a'.repeat(HOSTILE)}"}`],
    ['a run mixing letters and digits', `{"error":"${'a1'.repeat(HOSTILE / 2)}"}`],
    ['a run that ends in a mask', `${'a'.repeat(HOSTILE)}***`],
    ['short runs between single stars and dots', 'ab*cd..'.repeat(HOSTILE / 7)],
    ['a model sentence repeated', 'the model model model '.repeat(HOSTILE / 22)],
  ];

  it.each(texts)('%s: 200 KB is scrubbed in well under 100 ms, and a key in it is still redacted', (_, hostile) => {
    for (const [where, text] of [
      ['key first', `Invalid key ${KEY} and ${OPENAI_KEY}: ${hostile}`],
      ['key last', `${hostile} Invalid key ${KEY} and ${OPENAI_KEY}`],
    ]) {
      const scrubbed = timed(() => secretScrubber(KEY).text(text as string));
      expect(scrubbed.ms, where).toBeLessThan(100);
      const redacted = timed(() => redactSecrets(text as string));
      expect(redacted.ms, where).toBeLessThan(100);
      const classified = timed(() => classifyHttpFailure({ status: 500, message: text as string }));
      expect(classified.ms, where).toBeLessThan(100);
      for (const out of [scrubbed.value, classified.value.message]) {
        expect(out.length).toBeLessThanOrEqual(MAX_SCRUBBED_CHARS + 1);
        expect(out).not.toContain(KEY.slice(0, 8));
        expect(out).not.toContain(KEY.slice(-8));
        expect(out).not.toContain('Ab12Cd34');
      }
      expect(redacted.value).not.toContain('Ab12Cd34');
      if (where === 'key first') expect(scrubbed.value).toContain('Invalid key [redacted] and [redacted]');
    }
  });

  it('reads only the start of a text, and a key the cut falls in is dropped whole', () => {
    for (const offset of [1, 5, 12, 20, 30]) {
      const text = `${'x '.repeat((MAX_SCRUBBED_CHARS - offset) / 2)}${offset % 2 ? ' ' : ''}${KEY}${OPENAI_KEY} more text`;
      expect(text.indexOf(KEY)).toBe(MAX_SCRUBBED_CHARS - offset);
      for (const out of [secretScrubber(KEY).text(text), redactSecrets(text), secretScrubber('other').text(text)]) {
        expect(out.endsWith('…')).toBe(true);
        expect(out).not.toMatch(/[A-Za-z0-9]{3,}…$/);
        expect(out).not.toContain(KEY.slice(0, 3));
      }
    }
    expect(cutText('short text', 100)).toBe('short text');
    expect(cutText('one two three', 9)).toBe('one two …');
    expect(cutText('one two three', 8)).toBe('one two …');
    expect(cutText('keys sk-abc**** here', 12)).toBe('keys …');
    expect(cutOffText('a key sk-ab')).toBe('a key …');
    expect(cutText(`ab\u{1F600}cd`, 3)).toBe('ab…'); // never half a surrogate pair
  });
});

describe('replaceMasked', () => {
  const KEY_RUN = '[A-Za-z0-9_-]*';
  const masks = [/\*{3,}/, /\*{2,}|\.{3}|…/];

  it('finds the same masked tokens as the regex it replaces', () => {
    const next = random(7);
    const alphabet = ['a', 'B', '7', '_', '-', '*', '*', '.', '…', ' ', ':'];
    for (let round = 0; round < 5_000; round++) {
      const length = Math.floor(next() * 24);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      for (const mask of masks) {
        const regex = new RegExp(`${KEY_RUN}(?:${mask.source})${KEY_RUN}`, 'g');
        const expected = text.replace(regex, (token) => `<${token}>`);
        expect(
          replaceMasked(text, mask, (token) => `<${token}>`),
          text,
        ).toBe(expected);
      }
    }
  });

  it('hands over the visible ends either side of the mask', () => {
    const seen: string[][] = [];
    replaceMasked('key sk-ab***wxyz and ...tail', /\*{2,}|\.{3}|…/, (token, head, tail) => {
      seen.push([token, head, tail]);
      return token;
    });
    expect(seen).toEqual([
      ['sk-ab***wxyz', 'sk-ab', 'wxyz'],
      ['...tail', '', 'tail'],
    ]);
  });
});
