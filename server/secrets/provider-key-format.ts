/**
 * Shape checks for provider keys, so a pasted key for the wrong provider fails at once with
 * a clear message instead of a 401 on the first request. Messages never echo the key.
 */
const FORMATS: Record<string, { pattern: RegExp; hint: string }> = {
  openai: { pattern: /^sk-[A-Za-z0-9_-]{20,}$/, hint: 'OpenAI keys start with "sk-"' },
  anthropic: { pattern: /^sk-ant-[A-Za-z0-9_-]{20,}$/, hint: 'Anthropic keys start with "sk-ant-"' },
  google: { pattern: /^AIza[A-Za-z0-9_-]{30,}$/, hint: 'Google AI Studio keys start with "AIza"' },
  groq: { pattern: /^gsk_[A-Za-z0-9]{20,}$/, hint: 'Groq keys start with "gsk_"' },
  deepseek: { pattern: /^sk-[A-Za-z0-9]{20,}$/, hint: 'DeepSeek keys start with "sk-"' },
  fireworks: { pattern: /^fw_[A-Za-z0-9]{16,}$/, hint: 'Fireworks keys start with "fw_"' },
};
/** Providers whose keys have no published prefix: any printable token of sane length. */
const GENERIC = { pattern: /^[\x21-\x7e]{16,512}$/, hint: 'keys are 16 to 512 printable characters without spaces' };

/** Returns a message describing what is wrong, or null if the key looks right for the provider. */
export function checkProviderKeyFormat(provider: string, key: string): string | null {
  const format = FORMATS[provider] ?? GENERIC;
  if (key.length > 512) return `The ${provider} key is too long (512 characters at most)`;
  return format.pattern.test(key) ? null : `That does not look like a ${provider} key: ${format.hint}`;
}

/** `sk-…a1b2`: enough to recognise a key, not enough to use it. */
export function maskProviderKey(key: string): string {
  const prefix = /^(sk-ant-|sk-|gsk_|fw_|AIza)/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
}
