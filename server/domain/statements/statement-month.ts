import { parseUtcMonth, type UtcMonth } from '../../../shared/utc-month.js';
import { badInput } from '../errors.js';

const FIRST_YEAR = 2000;

/**
 * Parse `YYYY-MM` (UTC). Months after the current one have nothing to state and are refused;
 * the current month is a statement to date.
 */
export function parseStatementMonth(text: string, now: Date): UtcMonth {
  const month = parseUtcMonth(typeof text === 'string' ? text.trim() : '');
  if (!month) throw badInput('month must be YYYY-MM, e.g. 2026-11');
  if (month.from.getUTCFullYear() < FIRST_YEAR) throw badInput(`month must be ${FIRST_YEAR}-01 or later`);
  if (month.from.getTime() > now.getTime()) throw badInput('month is in the future: a statement covers a month that has begun');
  return month;
}
