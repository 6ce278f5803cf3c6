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
    ['openai', 'sk-short', 'start with "sk-"'],
    ['anthropic', `sk-${body(40)}`, 'start with "sk-ant-"'],
    ['google', `sk-${body(40)}`, 'start with "AIza"'],
    ['groq', `sk-${body(40)}`, 'start with "gsk_"'],
    ['fireworks', `fw-${body(20)}`, 'start with "fw_"'],
    ['deepseek', `sk-${body(10)}-${body(10)}`, 'start with "sk-"'],
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
