/**
 * Shape checks for provider keys, so a pasted key for the wrong provider fails at once with a
 * message naming what is wrong (prefix, length or characters) instead of a 401 on the first
 * request. The formats are the registry's; messages never echo the key.
 */
import { GENERIC_KEY_FORMAT, KEY_MAX_LENGTH, type KeyCharset, type KeyFormat } from '../../shared/catalog/providers.js';
import { getProvider, listProviders } from '../providers/registry.js';

const CHARSETS: Record<KeyCharset, { pattern: RegExp; says: string }> = {
  alphanumeric: { pattern: /^[A-Za-z0-9]*$/, says: 'only letters and digits' },
  token: { pattern: /^[A-Za-z0-9_-]*$/, says: 'only letters, digits, "-" and "_"' },
  printable: { pattern: /^[\x21-\x7e]*$/, says: 'only printable characters without spaces' },
};

/** How a key of this format looks, in words: `"sk-" followed by at least 20 characters`. */
function shape(format: KeyFormat): string {
  return format.prefix
    ? `"${format.prefix}" followed by at least ${format.minBody} characters`
    : `${format.minBody} to ${KEY_MAX_LENGTH} characters`;
}

/** Returns a message naming what is wrong (length, prefix or characters), or null if the key looks right for the provider. */
export function checkProviderKeyFormat(provider: string, key: string): string | null {
  const registration = getProvider(provider);
  const format = registration?.keyFormat ?? GENERIC_KEY_FORMAT;
  const keys = `${registration?.name ?? provider} keys`;
  if (key.length > KEY_MAX_LENGTH) {
    return `That key is too long for ${provider}: ${keys} are at most ${KEY_MAX_LENGTH} characters; this one has ${key.length}`;
  }
  if (!key.startsWith(format.prefix)) return `That key has the wrong prefix for ${provider}: ${keys} start with "${format.prefix}"`;
  // Prefix-less formats count the whole key, as the prefix is ''.
  const body = key.slice(format.prefix.length);
  const charset = CHARSETS[format.charset];
  if (!charset.pattern.test(body)) return `That key has an unexpected character for ${provider}: ${keys} contain ${charset.says}`;
  if (body.length < format.minBody) {
    return `That key is too short for ${provider}: ${keys} are ${shape(format)}; this one has ${body.length}`;
  }
  return null;
}

/** Known key prefixes, longest first, so `sk-ant-…` is not masked as `sk-…`. */
const KNOWN_PREFIXES = [...new Set(listProviders().map((p) => p.keyFormat.prefix))]
  .filter((prefix) => prefix !== '')
  .sort((a, b) => b.length - a.length);

/** `sk-…a1b2`: enough to recognise a key, not enough to use it. */
export function maskProviderKey(key: string): string {
  const prefix = KNOWN_PREFIXES.find((p) => key.startsWith(p)) ?? '';
  return `${prefix}…${key.slice(-4)}`;
}
