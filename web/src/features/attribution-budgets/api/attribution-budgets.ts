import { useMutation, useQuery } from '@apollo/client/react';
import {
  DeleteAttributionBudgetDocument,
  ProjectAttributionBudgetsDocument,
  SetAttributionBudgetDocument,
} from '../../../graphql/generated.js';

const refetchBudgets = (projectId: string) => [{ query: ProjectAttributionBudgetsDocument, variables: { id: projectId } }];

/** A project's tag and end-user budgets with this period's spend, refreshed while the page is open (traffic moves it). */
export function useProjectAttributionBudgets(projectId: string) {
  return useQuery(ProjectAttributionBudgetsDocument, { variables: { id: projectId }, pollInterval: 30_000 });
}

export function useSetAttributionBudget(projectId: string) {
  return useMutation(SetAttributionBudgetDocument, { refetchQueries: refetchBudgets(projectId), awaitRefetchQueries: true });
}

export function useDeleteAttributionBudget(projectId: string) {
  return useMutation(DeleteAttributionBudgetDocument, { refetchQueries: refetchBudgets(projectId), awaitRefetchQueries: true });
}
