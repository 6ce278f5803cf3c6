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
