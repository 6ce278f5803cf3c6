/**
 * Display shaping for feature flags. The value in force and why come from the server
 * (`FeatureFlag.scopes`, computed with the gateway's own precedence); nothing here decides them.
 */
import type { FeatureFlagsQuery } from '../../../graphql/generated.js';

export type Flag = FeatureFlagsQuery['featureFlags'][number];
export type FlagScopeValue = Flag['scopes'][number];
export type FlagRowScope = { organizationId?: string | null; projectId?: string | null };

/** The server's value for an organization row, or a project row when `projectId` is given; null when it sent none. */
export function scopeValue(flag: Flag, scope: FlagRowScope): FlagScopeValue | null {
  const match = (value: FlagScopeValue) =>
    scope.projectId
      ? value.scope === 'PROJECT' && value.scopeId === scope.projectId
      : value.scope === 'ORGANIZATION' && value.scopeId === scope.organizationId;
  return flag.scopes.find(match) ?? null;
}

/** The "Why" column: which setting decides, in words. */
export function describeSource(value: Pick<FlagScopeValue, 'scope' | 'source'>): string {
  switch (value.source) {
    case 'ENVIRONMENT':
      return 'forced by the environment (HOSTED_KEY_LLM); toggles here are saved but have no effect until it is unset';
    case 'PROJECT':
      return 'set for this project';
    case 'ORGANIZATION':
      return value.scope === 'PROJECT' ? 'inherits the organization' : 'set for this organization';
    case 'GLOBAL':
      return 'inherits the global value';
  }
}

/** "would inherit off from the organization" beside "Reset to inherited"; null where the row has no own override. */
export function describeReset(value: Pick<FlagScopeValue, 'ownOverride' | 'inherited'>): string | null {
  if (value.ownOverride === null) return null;
  const { enabled, source } = value.inherited;
  const from = source === 'ENVIRONMENT' ? 'the environment' : source === 'GLOBAL' ? 'the global value' : `the ${source.toLowerCase()}`;
  return `would inherit ${enabled ? 'on' : 'off'} from ${from}`;
}

/** The clearFeatureFlagOverride input for a row: a project's override is named by the project alone. */
export function clearOverrideInput(key: string, scope: FlagRowScope): { key: string; organizationId?: string; projectId?: string } {
  if (scope.projectId) return { key, projectId: scope.projectId };
  return scope.organizationId ? { key, organizationId: scope.organizationId } : { key };
}
