/** Where a flag's value in force comes from. */
export type FlagSource = 'ENVIRONMENT' | 'PROJECT' | 'ORGANIZATION' | 'GLOBAL';

/** A flag's value in force somewhere, and which setting decided it. */
export interface FlagValue {
  enabled: boolean;
  source: FlagSource;
}

/** What is set for one flag at each level (null: nothing set there). */
export interface FlagSettings {
  /** Forced by the environment (HOSTED_KEY_LLM): decides everywhere when set. */
  envOverride: boolean | null;
  /** The global value (the flag's default where no row exists). */
  global: boolean;
  organization: boolean | null;
  project: boolean | null;
}

/**
 * The one precedence rule for feature flags: the environment, then the project's override,
 * then the organization's, then the global value. The gateway decides requests with it and
 * the control plane shows its answer; nothing else re-implements it.
 */
export function effectiveFlag(settings: FlagSettings): FlagValue {
  if (settings.envOverride !== null) return { enabled: settings.envOverride, source: 'ENVIRONMENT' };
  if (settings.project !== null) return { enabled: settings.project, source: 'PROJECT' };
  if (settings.organization !== null) return { enabled: settings.organization, source: 'ORGANIZATION' };
  return { enabled: settings.global, source: 'GLOBAL' };
}
