/** Calendar months in UTC, written `YYYY-MM`: what statements and monthly budgets are kept by. */

/** A month, from its first instant up to (not including) the next month's. */
export interface UtcMonth {
  /** `YYYY-MM` */
  month: string;
  from: Date;
  to: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` of a date, in UTC. */
export function utcMonthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
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
