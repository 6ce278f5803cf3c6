import { type CsvColumn, toCsv } from '../../../shared/csv.js';
import { slugify } from '../text.js';
import type { Statement, StatementLine } from './statement.service.js';

/** One row of the statement's CSV: every section shares these columns, so the file is one rectangular table. */
interface CsvRow {
  section: string;
  name: string;
  date?: string;
  note?: string;
  line?: StatementLine;
  amountUsd?: string;
}

/**
 * Exact amounts, never rounded (a spreadsheet's sums then match the statement to the last
 * digit): the stored decimal with trailing zeros past the cents dropped, "12.50", "0.0042135".
 */
export function csvAmount(decimal: string | null | undefined): string | undefined {
  if (decimal === null || decimal === undefined) return undefined;
  const [whole, fraction = ''] = decimal.split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

function columns(statement: Statement): CsvColumn<CsvRow>[] {
  return [
    { header: 'section', value: (r) => r.section },
    { header: 'name', value: (r) => r.name },
    { header: 'date', value: (r) => r.date },
    { header: 'note', value: (r) => r.note },
    { header: 'requests', value: (r) => r.line?.requests },
    { header: 'input_tokens', value: (r) => r.line?.inputTokens },
    { header: 'output_tokens', value: (r) => r.line?.outputTokens },
    { header: 'own_key_cost_usd', value: (r) => csvAmount(r.line?.ownKeyCostUsd) },
    ...(statement.showsPlatformCost
      ? [{ header: 'platform_cost_usd', value: (r: CsvRow) => csvAmount(r.line?.platformCostUsd) } satisfies CsvColumn<CsvRow>]
      : []),
    { header: 'billed_cost_usd', value: (r) => csvAmount(r.line?.billedCostUsd) },
    { header: 'amount_usd', value: (r) => csvAmount(r.amountUsd) },
  ];
}

/**
 * The statement as CSV (RFC 4180, CRLF, formula-safe cells): the period, the ledger movement
 * (balance rows, then each credit entry), then usage by project, model and tag and the total.
 */
export function statementCsv(statement: Statement): string {
  const balance = (name: string, amountUsd: string): CsvRow => ({ section: 'balance', name, amountUsd });
  const usage = (section: string, lines: readonly StatementLine[]) => lines.map((line): CsvRow => ({ section, name: line.label, line }));
  const rows: CsvRow[] = [
    {
      section: 'statement',
      name: statement.organizationName,
      date: statement.month,
      note: statement.complete ? 'complete month (UTC)' : `to date: ${statement.generatedAt.toISOString()}`,
    },
    balance('opening_balance', statement.openingBalanceUsd),
    balance('credits_added', statement.creditsAddedUsd),
    balance('adjustments', statement.adjustmentsUsd),
    balance('credits_spent', statement.creditsSpentUsd),
    balance('byok_fees', statement.byokFeesUsd),
    balance('closing_balance', statement.closingBalanceUsd),
    balance('billed_outside_credits', statement.billedOutsideCreditsUsd),
    ...statement.creditEntries.map(
      (entry): CsvRow => ({
        section: 'credit_entry',
        name: entry.kind,
        date: entry.createdAt.toISOString(),
        note: entry.note,
        amountUsd: entry.amountUsd,
      }),
    ),
    ...usage('project', statement.byProject),
    ...usage('model', statement.byModel),
    ...usage('tag', statement.byTag),
    ...usage('total', [statement.total]),
  ];
  return toCsv(columns(statement), rows);
}

/** `keyplane-statement-acme-2026-11.csv`: only [a-z0-9-], so it needs no escaping in a header. */
export function statementCsvFilename(statement: Statement): string {
  return `keyplane-statement-${slugify(statement.organizationName)}-${statement.month}.csv`;
}
