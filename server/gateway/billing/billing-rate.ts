import { isKeyed } from '../keys/key-choice.js';
import type { GatewayIdentity } from '../request-context.js';
import type { RouteCandidate } from '../routing/router.js';

/** The rate that turns upstream cost into billed cost for a candidate's key source. */
export function billingRate(candidate: Pick<RouteCandidate, 'key'>, identity: GatewayIdentity, platformMultiplier: string): string {
  return isKeyed(candidate.key.source) ? identity.byokFeeRate : (identity.hostedCostMultiplier ?? platformMultiplier);
}
