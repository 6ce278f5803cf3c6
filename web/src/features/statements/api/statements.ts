import { useQuery } from '@apollo/client/react';
import { StatementDocument } from '../../../graphql/generated.js';

/** An organization's statement for a month (`YYYY-MM`); skipped until both are chosen. */
export function useStatement(organizationId: string | null, month: string) {
  return useQuery(StatementDocument, {
    variables: { organizationId: organizationId ?? '', month },
    skip: !organizationId,
    fetchPolicy: 'cache-and-network',
  });
}
