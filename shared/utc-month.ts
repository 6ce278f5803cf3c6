/** Calendar months in UTC, written `YYYY-MM`: what statements and monthly budgets are kept by. */

/** A month, from its first instant up to (not including) the next month's. */
export interface UtcMonth {
  /** `YYYY-MM` */
  month: string;
  from: Date;
  to: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month utcMonthOf answered last, as epoch ms [from, to): every request asks, and it rarely changes. */
let lastMonth = { from: 0, to: 0, month: '' };

/** `YYYY-MM` of a date, in UTC. */
export function utcMonthOf(date: Date): string {
  const ms = date.getTime();
  if (ms >= lastMonth.from && ms < lastMonth.to) return lastMonth.month;
  const month = date.toISOString().slice(0, 7); // throws on an invalid date, as before
  const year = date.getUTCFullYear();
  const index = date.getUTCMonth();
  lastMonth = { from: monthStart(year, index).getTime(), to: monthStart(year, index + 1).getTime(), month };
  return month;
}

/** The month `text` names (exactly `YYYY-MM`, no spaces), or null. */
export function parseUtcMonth(text: string): UtcMonth | null {
  const match = MONTH.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { month: text, from: monthStart(year, index), to: monthStart(year, index + 1) };
}

// setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
function monthStart(year: number, index: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, index, 1);
  return date;
}
