/**
 * Tests whose data and assertions must fall in one UTC day or month (a daily chart's last bar, a
 * monthly budget's thresholds, this month's statement) call this before creating their data:
 * if the period ends within `marginMs`, it waits until the next one has begun, so a run that
 * happens to straddle midnight or a month's end does not fail for it.
 */
import { parseUtcMonth, utcMonthOf } from '../../shared/utc-month.js';

const DAY_MS = 86_400_000;

/** When the UTC day or month containing `now` ends (epoch ms). */
export function utcPeriodEnd(unit: 'day' | 'month', now: Date): number {
  if (unit === 'day') return (Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS;
  return (parseUtcMonth(utcMonthOf(now)) as NonNullable<ReturnType<typeof parseUtcMonth>>).to.getTime();
}

export async function awayFromUtcPeriodEnd(unit: 'day' | 'month', marginMs = 30_000): Promise<void> {
  const left = utcPeriodEnd(unit, new Date()) - Date.now();
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
