import { describe, expect, it } from 'vitest';
import { chosenMonth, ledgerRows } from '../../web/src/features/statements/model/statement.js';

describe('statement page model', () => {
  it('picks a month the server accepts, defaulting to the current one (UTC)', () => {
    expect(chosenMonth('2026-09', '2026-11')).toBe('2026-09');
    expect(chosenMonth('2026-12', '2026-11')).toBe('2026-11');
    expect(chosenMonth('2026-13', '2026-11')).toBe('2026-11');
    expect(chosenMonth('=cmd', '2026-11')).toBe('2026-11');
    expect(chosenMonth(null, '2026-11')).toBe('2026-11');
  });

  it('lists the ledger movement with the sign each has on the balance, exactly', () => {
    const rows = ledgerRows({
      openingBalanceUsd: '40',
      creditsAddedUsd: '60',
      adjustmentsUsd: '-5',
      creditsSpentUsd: '9.750000000001',
      byokFeesUsd: '0',
      closingBalanceUsd: '85.249999999999',
    });
    expect(rows.map((r) => r.amountUsd)).toEqual(['40', '60', '-5', '-9.750000000001', '0', '85.249999999999']);
    expect(rows.filter((r) => r.total).map((r) => r.label)).toEqual(['Opening balance', 'Closing balance']);
  });
});
