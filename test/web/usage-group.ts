import type { UsageGroup } from '../../web/src/features/usage/model/usage-totals.js';

/** A usage report group as the dashboard receives it: nothing grouped, nothing counted, but `fields`. */
export function usageGroup(fields: Partial<UsageGroup>): UsageGroup {
  return {
    bucket: null,
    organizationId: null,
    organizationName: null,
    projectId: null,
    projectName: null,
    gatewayKeyId: null,
    gatewayKeyName: null,
    keyRef: null,
    keyLabel: null,
    provider: null,
    model: null,
    keySource: null,
    status: null,
    failureClass: null,
    endpoint: null,
    endUser: null,
    tag: null,
    requests: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    upstreamCostUsd: '0',
    platformCostUsd: '0',
    billedCostUsd: '0',
    failures: 0,
    cancelled: 0,
    costUnknown: 0,
    latencyP50Ms: null,
    latencyP95Ms: null,
    ...fields,
  };
}
