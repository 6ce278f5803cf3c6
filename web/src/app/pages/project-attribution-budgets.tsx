import { useState } from 'react';
import { attempt, attemptForm } from '../../apollo/errors.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { QueryState } from '../../components/states.js';
import {
  useDeleteAttributionBudget,
  useProjectAttributionBudgets,
  useSetAttributionBudget,
} from '../../features/attribution-budgets/api/attribution-budgets.js';
import { AttributionBudgetsSection } from '../../features/attribution-budgets/components/attribution-budgets-section.js';
import {
  type AttributionBudget,
  type BudgetFormErrors,
  parseBudgetForm,
} from '../../features/attribution-budgets/model/attribution-budget.js';

/** The project page's tag and end-user budgets card: every member reads it, ADMIN+ set and delete. */
export function ProjectAttributionBudgets({ projectId, canManage }: { projectId: string; canManage: boolean }) {
  const { data, loading, error, refetch } = useProjectAttributionBudgets(projectId);
  const [setBudget] = useSetAttributionBudget(projectId);
  const [deleteBudget] = useDeleteAttributionBudget(projectId);
  const [errors, setErrors] = useState<BudgetFormErrors>({});
  const [deleting, setDeleting] = useState<AttributionBudget | null>(null);
  return (
    <QueryState loading={loading} error={error} empty={!data} emptyText="Budgets are not available." retry={() => void refetch()}>
      <AttributionBudgetsSection
        budgets={data?.project.attributionBudgets ?? []}
        canManage={canManage}
        errors={errors}
        onSet={async (values) => {
          const parsed = parseBudgetForm(projectId, values);
          if (!parsed.ok) {
            setErrors(parsed.errors);
            return false;
          }
          const failure = await attemptForm(() => setBudget({ variables: { input: parsed.input } }));
          setErrors(failure ? { form: failure.message } : {});
          return !failure;
        }}
        onDelete={(budget) => setDeleting(budget)}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the budget for ${deleting?.value ?? ''}?`}
        confirmLabel="Delete budget"
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting) {
            const message = await attempt(() => deleteBudget({ variables: { id: deleting.id } }));
            setErrors(message ? { form: message } : {});
          }
          setDeleting(null);
        }}
      >
        <p>Requests under it are no longer limited by it; what it has spent is forgotten with it.</p>
      </ConfirmDialog>
    </QueryState>
  );
}
