/**
 * Domain vocabulary shared by server and web. Values mirror the Prisma enums and the
 * names fixed by the public API (docs/api.md, docs/graphql.md); this file imports nothing so the dashboard can use it too.
 */

export const PROJECT_MODES = ['API_KEYS', 'CREDITS', 'HYBRID'] as const;
export type ProjectMode = (typeof PROJECT_MODES)[number];

export const ORG_ROLES = ['OWNER', 'ADMIN', 'MEMBER'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Where the provider key for a call came from, in precedence order. */
export const KEY_SOURCES = ['user', 'byok', 'hosted', 'env'] as const;
export type KeySource = (typeof KEY_SOURCES)[number];

/** Key sources each project mode may use (docs/api.md, key sources). */
export const MODE_KEY_SOURCES: Record<ProjectMode, readonly KeySource[]> = {
  API_KEYS: ['user', 'byok'],
  CREDITS: ['hosted', 'env'],
  HYBRID: ['user', 'byok', 'hosted', 'env'],
};

export const FAILURE_CLASSES = [
  'AUTH',
  'RATE_LIMIT',
  'QUOTA',
  'BAD_REQUEST',
  'UPSTREAM_ERROR',
  'TIMEOUT',
  'NETWORK',
  'STREAM_INTERRUPTED',
  'CANCELLED',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export const REQUEST_STATUSES = ['SUCCESS', 'FAILED', 'CANCELLED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const BUDGET_PERIODS = ['MONTHLY', 'TOTAL'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** What an attribution budget is for: one tag, or one end user, within a project. */
export const ATTRIBUTION_SCOPES = ['TAG', 'END_USER'] as const;
export type AttributionScope = (typeof ATTRIBUTION_SCOPES)[number];

/** Alert events a webhook can subscribe to: an organization's, and the platform's (operator webhooks). */
export const ORGANIZATION_ALERT_EVENTS = ['budget.threshold', 'credits.low'] as const;
export const PLATFORM_ALERT_EVENTS = ['hosted_key.disabled', 'provider.cooling_down'] as const;
export type AlertEventType = (typeof ORGANIZATION_ALERT_EVENTS)[number] | (typeof PLATFORM_ALERT_EVENTS)[number];

export const HOSTED_KEY_LLM_FLAG = 'hosted-key-llm';
export const REFUSE_UNPRICED_CREDITS_FLAG = 'refuse-unpriced-credits';

/** Feature flags the platform knows; `setFeatureFlag` refuses any other key. */
export const FEATURE_FLAGS = {
  [HOSTED_KEY_LLM_FLAG]: {
    description: "Serve requests with the platform's hosted key pool (<P>_API_KEY_1..N)",
    defaultEnabled: false,
  },
  [REFUSE_UNPRICED_CREDITS_FLAG]: {
    description:
      'Refuse (403 model_unpriced) a call paid with credits for a model no price covers, instead of serving it unbilled (costKnown = false)',
    defaultEnabled: false,
  },
} as const satisfies Record<string, { description: string; defaultEnabled: boolean }>;
export type FeatureFlagKey = keyof typeof FEATURE_FLAGS;
