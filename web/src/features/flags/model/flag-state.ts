/** Where a feature flag's value comes from for an organization or project. */
import type { FeatureFlagsQuery } from '../../../graphql/generated.js';

export type Flag = FeatureFlagsQuery['featureFlags'][number];
export type FlagSource = 'environment' | 'project' | 'organization' | 'global';

export interface FlagState {
  enabled: boolean;
  source: FlagSource;
  /** An own override at exactly this scope (null: inherited) */
  ownOverride: boolean | null;
}

/** Same precedence as the server: env override, then project, then organization, then global. */
export function flagStateFor(flag: Flag, scope: { organizationId?: string | null; projectId?: string | null }): FlagState {
  const project = scope.projectId ? flag.overrides.find((o) => o.scope === 'PROJECT' && o.scopeId === scope.projectId) : undefined;
  const organization = scope.organizationId ? flag.overrides.find((o) => o.scope === 'ORGANIZATION' && o.scopeId === scope.organizationId) : undefined;
  const ownOverride = scope.projectId ? (project?.enabled ?? null) : scope.organizationId ? (organization?.enabled ?? null) : null;
  if (flag.envOverride !== null && flag.envOverride !== undefined) return { enabled: flag.envOverride, source: 'environment', ownOverride };
  if (project) return { enabled: project.enabled, source: 'project', ownOverride };
  if (organization) return { enabled: organization.enabled, source: 'organization', ownOverride };
  return { enabled: flag.enabled, source: 'global', ownOverride };
}

export function describeSource(state: FlagState): string {
  switch (state.source) {
    case 'environment':
      return 'forced by the environment (HOSTED_KEY_LLM); toggles here are saved but have no effect until it is unset';
    case 'project':
      return 'set for this project';
    case 'organization':
      return 'set for this organization';
    case 'global':
      return 'inherits the global value';
  }
}

/** The override at exactly this scope (a project's own, else an organization's own), if any. */
function isOwnOverride(override: Flag['overrides'][number], scope: { organizationId?: string | null; projectId?: string | null }): boolean {
  if (scope.projectId) return override.scope === 'PROJECT' && override.scopeId === scope.projectId;
  if (scope.organizationId) return override.scope === 'ORGANIZATION' && override.scopeId === scope.organizationId;
  return false;
}

/**
 * What "Reset to inherited" would leave: the state with this scope's own override removed.
 * null when there is nothing to reset (no own override, or the global row).
 */
export function inheritedState(flag: Flag, scope: { organizationId?: string | null; projectId?: string | null }): FlagState | null {
  if (!flag.overrides.some((o) => isOwnOverride(o, scope))) return null;
  return flagStateFor({ ...flag, overrides: flag.overrides.filter((o) => !isOwnOverride(o, scope)) }, scope);
}

/** "would inherit off from the organization" — beside the reset action. */
export function describeReset(state: FlagState): string {
  const from = state.source === 'environment' ? 'the environment' : state.source === 'global' ? 'the global value' : `the ${state.source}`;
  return `would inherit ${state.enabled ? 'on' : 'off'} from ${from}`;
}

/** The clearFeatureFlagOverride input for a row: a project's override is named by the project alone. */
export function clearOverrideInput(key: string, scope: { organizationId?: string | null; projectId?: string | null }): { key: string; organizationId?: string; projectId?: string } {
  if (scope.projectId) return { key, projectId: scope.projectId };
  return scope.organizationId ? { key, organizationId: scope.organizationId } : { key };
}
