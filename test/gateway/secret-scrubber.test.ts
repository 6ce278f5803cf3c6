import { describe, expect, it } from 'vitest';
import { secretScrubber } from '../../server/gateway/secret-scrubber.js';
import { redactSecrets } from '../../server/providers/classify-failure.js';
import { callerKeyRefs } from '../../server/secrets/caller-key-ref.js';
import { generateEncryptionKey, KeyRing } from '../../server/secrets/key-ring.js';

const KEY = 'Zq8vB3nL0pXr7TfK2mWc9HdY4sJe6UaG'; // Mistral's shape: no prefix

describe('secretScrubber', () => {
  const scrub = secretScrubber(KEY).text;

  it.each([
    ['whole', `Invalid key ${KEY}.`],
    ['a run of 8', `key ending ${KEY.slice(10, 18)} rejected`],
    ['cut at a length limit', `not JSON: ${'x '.repeat(30)}${KEY.slice(0, 6)}`],
    ['masked ends', `Shown as ${KEY.slice(0, 4)}...${KEY.slice(-4)}`],
    ['masked tail', `key ****${KEY.slice(-4)} is invalid`],
  ])('removes the key %s', (_, message) => {
    const out = scrub(message);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(KEY.slice(-4));
    expect(out).not.toContain(KEY.slice(0, 4));
  });

  it('leaves ordinary text alone', () => {
    expect(scrub('The model `gpt-4o-mini` does not exist. Loading...')).toBe('The model `gpt-4o-mini` does not exist. Loading...');
  });

  it('removes a short custom key, and a word that is its start', () => {
    expect(secretScrubber('ollama1').text('bad key ollama1 (ollama) for llama3')).toBe('bad key [redacted] ([redacted]) for llama3');
  });

  it('scrubs error events and leaves the others', async () => {
    async function* events() {
      yield { type: 'text-delta' as const, text: KEY };
      yield { type: 'error' as const, failureClass: 'AUTH' as const, message: `bad ${KEY}` };
    }
    const out = [];
    for await (const event of secretScrubber(KEY).events(events())) out.push(event);
    expect(out).toEqual([
      { type: 'text-delta', text: KEY },
      { type: 'error', failureClass: 'AUTH', message: 'bad [redacted]' },
    ]);
  });
});

describe('redactSecrets, the second net', () => {
  it.each([
    'fw_3kQ9vLmX2pR7tZ1b',
    'xai-Ab12Cd34Ef56Gh78',
    'tgp_v1_Ab12Cd34Ef56',
    '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    '****BBB2',
  ])('redacts %s', (key) => {
    expect(redactSecrets(`key ${key} rejected`)).toBe('key [redacted] rejected');
  });

  it('keeps model names and words', () => {
    expect(redactSecrets('claude-3-5-sonnet-20241022 is not available for this organization')).toBe(
      'claude-3-5-sonnet-20241022 is not available for this organization',
    );
  });
});

describe('callerKeyRefs', () => {
  it('is a keyed hash: stable for one key ring, different under another, never the plain digest', () => {
    const encryptionKey = generateEncryptionKey();
    const ref = callerKeyRefs(new KeyRing([encryptionKey]));
    expect(ref(KEY)).toMatch(/^user:[0-9a-f]{16}$/);
    expect(callerKeyRefs(new KeyRing([encryptionKey]))(KEY)).toBe(ref(KEY));
    expect(callerKeyRefs(new KeyRing([generateEncryptionKey()]))(KEY)).not.toBe(ref(KEY));
    expect(ref('another key')).not.toBe(ref(KEY));
  });
});
