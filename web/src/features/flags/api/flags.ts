import { useMutation, useQuery } from '@apollo/client/react';
import { FeatureFlagsDocument, SetFeatureFlagDocument } from '../../../graphql/generated.js';

export function useFeatureFlags() {
  return useQuery(FeatureFlagsDocument);
}

export function useSetFeatureFlag() {
  return useMutation(SetFeatureFlagDocument);
}
