/** Pure shaping for the statement page: months, and the ledger summary as rows. Amounts stay exact decimal text. */
import { parseUtcMonth } from '../../../../../shared/utc-month.js';
import type { StatementQuery } from '../../../graphql/generated.js';

/** A `YYYY-MM` the server accepts (no later than `latest`), or `latest`. */
export function chosenMonth(value: string | null, latest: string): string {
  return value && parseUtcMonth(value) && value <= latest ? value : latest;
}

export type LedgerSummary = Pick<
  StatementQuery['statement'],
  'openingBalanceUsd' | 'creditsAddedUsd' | 'adjustmentsUsd' | 'creditsSpentUsd' | 'byokFeesUsd' | 'closingBalanceUsd'
>;

export interface LedgerRow {
  label: string;
  /** Signed as it moves the balance: spending and fees are negative. */
  amountUsd: string;
  total?: boolean;
}

const negate = (decimal: string) => (decimal.startsWith('-') ? decimal.slice(1) : /^0(\.0*)?$/.test(decimal) ? decimal : `-${decimal}`);

/** Opening balance, each movement with the sign it has on the balance, closing balance. */
export function ledgerRows(statement: LedgerSummary): LedgerRow[] {
  return [
    { label: 'Opening balance', amountUsd: statement.openingBalanceUsd, total: true },
    { label: 'Credits added', amountUsd: statement.creditsAddedUsd },
    { label: 'Adjustments', amountUsd: statement.adjustmentsUsd },
    { label: "Credits spent (platform's keys)", amountUsd: negate(statement.creditsSpentUsd) },
    { label: 'BYOK fees (your own keys)', amountUsd: negate(statement.byokFeesUsd) },
    { label: 'Closing balance', amountUsd: statement.closingBalanceUsd, total: true },
  ];
}
