import { badInput } from './errors.js';

/** Trimmed, non-empty, bounded text; rejects control characters that break logs and CSV. */
export function cleanText(field: string, value: string, max = 120): string {
  const text = value.trim();
  if (text.length === 0) throw badInput(`${field} must not be empty`);
  if (text.length > max) throw badInput(`${field} must be at most ${max} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
  if (/[\u0000-\u001f\u007f]/.test(text)) throw badInput(`${field} must not contain control characters`);
  return text;
}

export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return base || 'org';
}
