import { badInput } from './errors.js';

const DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;

/**
 * Validate a non-negative decimal amount given as text (or a finite number) and return it as
 * text, which Prisma stores exactly in a numeric column.
 */
export function parseDecimal(field: string, value: string | number, options: { max?: number; allowZero?: boolean } = {}): string {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (!DECIMAL.test(text)) throw badInput(`${field} must be a non-negative decimal number (up to 12 decimal places)`);
  const numeric = Number(text);
  if (!options.allowZero && numeric === 0) throw badInput(`${field} must be greater than 0`);
  if (options.max !== undefined && numeric > options.max) throw badInput(`${field} must be at most ${options.max}`);
  return text;
}
