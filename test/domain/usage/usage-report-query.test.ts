import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planUsageQuery } from '../../../server/domain/usage/usage-report-query.js';

const at = (iso: string) => new Date(iso);
const ms = (iso: string) => Date.parse(iso);

describe('planUsageQuery: which table serves which part of the range', () => {
  it('inside one hour: raw records only', () => {
    expect(planUsageQuery(at('2025-03-01T10:05:00Z'), at('2025-03-01T10:55:00Z'), false)).toEqual({
      daily: [],
      hourly: [],
      rawEdges: [[ms('2025-03-01T10:05:00Z'), ms('2025-03-01T10:55:00Z')]],
      rawRecent: null,
    });
  });

  it('whole hours within a day: hourly rollups, raw records at the partial ends and for what the job has not rolled up', () => {
    const plan = planUsageQuery(at('2025-03-01T10:30:00Z'), at('2025-03-01T14:15:00Z'), false);
    expect(plan).toEqual({
      daily: [],
      hourly: [[ms('2025-03-01T11:00:00Z'), ms('2025-03-01T14:00:00Z')]],
      rawEdges: [
        [ms('2025-03-01T10:30:00Z'), ms('2025-03-01T11:00:00Z')],
        [ms('2025-03-01T14:00:00Z'), ms('2025-03-01T14:15:00Z')],
      ],
      rawRecent: [ms('2025-03-01T11:00:00Z'), ms('2025-03-01T14:00:00Z')],
    });
  });

  it('whole days: daily rollups, hourly for the hours around them, raw for the minutes at the ends', () => {
    const plan = planUsageQuery(at('2025-03-01T22:10:00Z'), at('2025-03-04T01:20:00Z'), false);
    expect(plan.daily).toEqual([[ms('2025-03-02T00:00:00Z'), ms('2025-03-04T00:00:00Z')]]);
    expect(plan.hourly).toEqual([
      [ms('2025-03-01T23:00:00Z'), ms('2025-03-02T00:00:00Z')],
      [ms('2025-03-04T00:00:00Z'), ms('2025-03-04T01:00:00Z')],
    ]);
    expect(plan.rawEdges).toEqual([
      [ms('2025-03-01T22:10:00Z'), ms('2025-03-01T23:00:00Z')],
      [ms('2025-03-04T01:00:00Z'), ms('2025-03-04T01:20:00Z')],
    ]);
  });

  it('grouping by hour never reads the daily table; aligned bounds need no raw edges', () => {
    const byHour = planUsageQuery(at('2025-03-01T00:00:00Z'), at('2025-03-08T00:00:00Z'), true);
    expect(byHour).toEqual({
      daily: [],
      hourly: [[ms('2025-03-01T00:00:00Z'), ms('2025-03-08T00:00:00Z')]],
      rawEdges: [],
      rawRecent: [ms('2025-03-01T00:00:00Z'), ms('2025-03-08T00:00:00Z')],
    });
    const byDay = planUsageQuery(at('2025-03-01T00:00:00Z'), at('2025-03-08T00:00:00Z'), false);
    expect(byDay).toMatchObject({ daily: [[ms('2025-03-01T00:00:00Z'), ms('2025-03-08T00:00:00Z')]], hourly: [], rawEdges: [] });
  });

  it('daily, hourly and raw edges cover [from, to) exactly once, for any range', () => {
    const start = ms('2025-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: 1, max: 40 * 86_400_000 }),
        fc.boolean(),
        (offset, length, byHour) => {
          const from = start + offset;
          const to = from + length;
          const plan = planUsageQuery(new Date(from), new Date(to), byHour);
          const pieces = [...plan.daily, ...plan.hourly, ...plan.rawEdges]
            .map(([a, b]) => [a, b])
            .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
          let cursor = from;
          for (const [a, b] of pieces) {
            expect(a).toBe(cursor);
            expect(b).toBeGreaterThan(a as number);
            cursor = b as number;
          }
          expect(cursor).toBe(to);
          for (const [a, b] of plan.daily) expect((a % 86_400_000) + (b % 86_400_000)).toBe(0);
          for (const [a, b] of plan.hourly) expect((a % 3_600_000) + (b % 3_600_000)).toBe(0);
          if (byHour) expect(plan.daily).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
