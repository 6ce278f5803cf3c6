import { useMutation, useQuery } from '@apollo/client/react';
import { ClearFeatureFlagOverrideDocument, FeatureFlagsDocument, SetFeatureFlagDocument } from '../../../graphql/generated.js';

export function useFeatureFlags() {
  return useQuery(FeatureFlagsDocument);
}

export function useSetFeatureFlag() {
  return useMutation(SetFeatureFlagDocument);
}

/** The reply carries the flag's overrides, so Apollo's cache (FeatureFlag by key) updates the page. */
export function useClearFeatureFlagOverride() {
  return useMutation(ClearFeatureFlagOverrideDocument);
}
