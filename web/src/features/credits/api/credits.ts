import { useMutation, useQuery } from '@apollo/client/react';
import { AddCreditsDocument, CreditLedgerDocument } from '../../../graphql/generated.js';

export function useCreditLedger(organizationId: string, after: string | null) {
  return useQuery(CreditLedgerDocument, { variables: { organizationId, first: 25, ...(after ? { after } : {}) } });
}

export function useAddCredits(organizationId: string) {
  return useMutation(AddCreditsDocument, {
    refetchQueries: [{ query: CreditLedgerDocument, variables: { organizationId, first: 25 } }],
    awaitRefetchQueries: true,
  });
}
