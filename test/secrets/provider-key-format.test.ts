import { describe, expect, it } from 'vitest';
import { checkProviderKeyFormat, maskProviderKey } from '../../server/secrets/provider-key-format.js';

const body = (n: number) => 'A1b2C3d4E5'.repeat(Math.ceil(n / 10)).slice(0, n);

describe('checkProviderKeyFormat', () => {
  it.each([
    ['openai', `sk-${body(40)}`],
    ['openai', `sk-proj-${body(60)}`],
    ['anthropic', `sk-ant-api03-${body(80)}`],
    ['google', `AIza${body(35)}`],
    ['groq', `gsk_${body(52)}`],
    ['deepseek', `sk-${body(32)}`],
    ['fireworks', `fw_${body(24)}`],
    ['mistral', body(32)],
    ['together', `tgp_v1_${body(40)}`],
  ])('accepts a %s key', (provider, key) => {
    expect(checkProviderKeyFormat(provider, key)).toBeNull();
  });

  it.each([
    ['openai', `AIza${body(35)}`, 'start with "sk-"'],
    ['openai', 'sk-short', 'followed by at least 20 characters; this one has 5'],
    ['anthropic', `sk-${body(40)}`, 'start with "sk-ant-"'],
    ['google', `sk-${body(40)}`, 'start with "AIza"'],
    ['groq', `sk-${body(40)}`, 'start with "gsk_"'],
    ['fireworks', `fw-${body(20)}`, 'start with "fw_"'],
    ['deepseek', `sk-${body(10)}-${body(10)}`, 'contain only letters and digits'],
    ['mistral', `has a space ${body(20)}`, 'printable characters without spaces'],
    ['mistral', body(8), '16 to 512'],
    ['mistral', `${body(20)}\n`, 'without spaces'],
    ['openai', `sk-${body(600)}`, 'too long'],
  ])('rejects a bad %s key without echoing it', (provider, key, hint) => {
    const message = checkProviderKeyFormat(provider, key);
    expect(message).toContain(hint);
    expect(message).toContain(provider);
    expect(message).not.toContain(key.trim());
    expect(message).not.toContain(body(10));
  });
});

describe('key-format messages name what is wrong', () => {
  it('length: a right prefix with too few characters after it', () => {
    expect(checkProviderKeyFormat('openai', 'sk-test')).toBe(
      'That key is too short for openai: OpenAI keys are "sk-" followed by at least 20 characters; this one has 4',
    );
    expect(checkProviderKeyFormat('mistral', body(8))).toBe(
      'That key is too short for mistral: Mistral AI keys are 16 to 512 characters; this one has 8',
    );
  });

  it('prefix: a key of another provider', () => {
    expect(checkProviderKeyFormat('groq', `sk-${body(40)}`)).toBe('That key has the wrong prefix for groq: Groq keys start with "gsk_"');
  });

  it('characters: a right prefix and length with a character the provider never uses', () => {
    expect(checkProviderKeyFormat('openai', `sk-${body(20)}.${body(5)}`)).toBe(
      'That key has an unexpected character for openai: OpenAI keys contain only letters, digits, "-" and "_"',
    );
    expect(checkProviderKeyFormat('fireworks', `fw_${body(20)}-x`)).toBe(
      'That key has an unexpected character for fireworks: Fireworks AI keys contain only letters and digits',
    );
  });

  it('too long, for a custom provider too (the generic format, its id as the name)', () => {
    expect(checkProviderKeyFormat('lab-ollama', body(513))).toBe(
      'That key is too long for lab-ollama: lab-ollama keys are at most 512 characters; this one has 513',
    );
    expect(checkProviderKeyFormat('lab-ollama', 'short')).toContain('lab-ollama keys are 16 to 512 characters; this one has 5');
  });
});

describe('maskProviderKey', () => {
  it.each([
    [`sk-ant-api03-${body(40)}wxyz`, 'sk-ant-…wxyz'],
    [`sk-proj-${body(40)}a1b2`, 'sk-…a1b2'],
    [`AIza${body(35)}QRST`, 'AIza…QRST'],
    [`gsk_${body(40)}9999`, 'gsk_…9999'],
    [`fw_${body(20)}zz00`, 'fw_…zz00'],
    [`${body(30)}last`, '…last'],
  ])('%s → %s', (key, mask) => {
    expect(maskProviderKey(key)).toBe(mask);
  });
});
