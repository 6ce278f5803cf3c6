import { useState } from 'react';
import { type Column, DataTable } from '../../../components/data-table.js';
import { DeleteButton } from '../../../components/delete-button.js';
import { formatUsd } from '../../../components/format.js';
import { InlineForm } from '../../../components/inline-form.js';
import {
  type AttributionBudget,
  type BudgetFormErrors,
  type BudgetFormValues,
  budgetUsage,
  EMPTY_BUDGET_FORM,
  formFromBudget,
  SCOPE_LABELS,
} from '../model/attribution-budget.js';

/** A project's budgets per tag and per end user: spend against each (all roles); set, change and delete (ADMIN+). */
export function AttributionBudgetsSection(props: {
  budgets: AttributionBudget[];
  canManage: boolean;
  errors: BudgetFormErrors;
  onSet(values: BudgetFormValues): Promise<boolean>;
  onDelete(budget: AttributionBudget): void;
}) {
  const [values, setValues] = useState<BudgetFormValues>(EMPTY_BUDGET_FORM);
  const columns: Column<AttributionBudget>[] = [
    { key: 'scope', header: 'Scope', cell: (b) => SCOPE_LABELS[b.scope] },
    { key: 'value', header: 'Tag or end user', cell: (b) => <code className="wrap-anywhere">{b.value}</code> },
    {
      key: 'budget',
      header: 'Budget',
      align: 'right',
      cell: (b) => `${formatUsd(b.budgetUsd)} ${b.budgetPeriod === 'TOTAL' ? 'total' : 'monthly'}`,
    },
    {
      key: 'spend',
      header: 'Spent / held',
      cell: (b) => {
        const usage = budgetUsage(b);
        return (
          <div className="budget-usage">
            {/* The text beside it says the same in words. */}
            <div className={`budget-meter ${usage.state}`} aria-hidden="true" data-spent-share={usage.spentShare}>
              <span className="spent" style={{ width: `${usage.spentShare * 100}%` }} />
              <span className="held" style={{ width: `${usage.heldShare * 100}%` }} />
            </div>
            <span className="wrap muted">{usage.text}</span>
          </div>
        );
      },
    },
    ...(props.canManage
      ? ([
          {
            key: 'actions',
            header: '',
            cell: (b) => (
              <span className="row-actions">
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Change budget ${b.value}`}
                  onClick={() => setValues(formFromBudget(b))}
                >
                  Change
                </button>
                <DeleteButton label={`Delete budget ${b.value}`} onDelete={() => props.onDelete(b)} />
              </span>
            ),
          },
        ] satisfies Column<AttributionBudget>[])
      : []),
  ];
  const bind = <K extends keyof BudgetFormValues>(field: K) => ({
    value: values[field],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: e.target.value })),
  });
  return (
    <section className="card" aria-label="Budgets by tag and end user">
      <header className="card-header">
        <h3>Budgets by tag and end user</h3>
        <span className="muted">requests under a spent budget are refused (402), like a key over its budget</span>
      </header>
      {props.budgets.length === 0 ? (
        <p className="state state-empty">No tag or end-user budgets.</p>
      ) : (
        <DataTable
          label="Budgets by tag and end user"
          columns={columns}
          rows={props.budgets}
          rowKey={(b) => b.id}
          testId="table-attribution-budgets"
        />
      )}
      {props.canManage ? (
        <InlineForm label="Set a budget" onSave={() => props.onSet(values)} onSaved={() => setValues(EMPTY_BUDGET_FORM)}>
          <label className="field">
            <span>Scope</span>
            <select aria-label="Budget scope" {...bind('scope')}>
              <option value="TAG">Tag (x-keyplane-tags)</option>
              <option value="END_USER">End user</option>
            </select>
          </label>
          <label className="field">
            <span>{values.scope === 'TAG' ? 'Tag' : 'End user'}</span>
            <input
              aria-label="Tag or end user"
              placeholder={values.scope === 'TAG' ? 'team:search' : 'cust_123'}
              aria-invalid={Boolean(props.errors.value)}
              {...bind('value')}
            />
            {props.errors.value ? <span className="field-error">{props.errors.value}</span> : null}
          </label>
          <label className="field">
            <span>Budget USD</span>
            <input aria-label="Budget USD" inputMode="decimal" aria-invalid={Boolean(props.errors.budgetUsd)} {...bind('budgetUsd')} />
            {props.errors.budgetUsd ? <span className="field-error">{props.errors.budgetUsd}</span> : null}
          </label>
          <label className="field">
            <span>Period</span>
            <select aria-label="Budget period" {...bind('budgetPeriod')}>
              <option value="MONTHLY">Monthly (UTC month)</option>
              <option value="TOTAL">Total</option>
            </select>
          </label>
          <div className="field">
            <button type="submit" className="button">
              Set budget
            </button>
          </div>
          {props.errors.form ? <p className="field-error">{props.errors.form}</p> : null}
        </InlineForm>
      ) : null}
    </section>
  );
}
