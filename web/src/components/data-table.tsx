import type { ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  header: string;
  cell(row: Row): ReactNode;
  align?: 'left' | 'right';
  /** The sort key this column's header sets, when the table is sortable (the model sorts the rows). */
  sort?: string;
}

/** Which column the rows are sorted by; a sortable header calls onSort with its key. */
export interface TableSort {
  key: string;
  descending: boolean;
  onSort(key: string): void;
}

/** A plain, horizontally scrollable table; rows render what the model shaped (and sorted). */
export function DataTable<Row>(props: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey(row: Row): string;
  footer?: Row | null;
  label: string;
  testId?: string;
  sort?: TableSort;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label={props.label} data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th
                key={c.key}
                className={c.align === 'right' ? 'num' : undefined}
                scope="col"
                aria-sort={props.sort && c.sort === props.sort.key ? (props.sort.descending ? 'descending' : 'ascending') : undefined}
              >
                {props.sort && c.sort ? (
                  <button type="button" className="sort-button" onClick={() => props.sort?.onSort(c.sort as string)}>
                    {c.header}
                    {c.sort === props.sort.key ? (props.sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {props.columns.map((c) => (
                <td key={c.key} className={c.align === 'right' ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {props.footer ? (
          <tfoot>
            <tr>
              {props.columns.map((c) => (
                <td key={c.key} className={c.align === 'right' ? 'num' : undefined}>
                  {c.cell(props.footer!)}
                </td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
