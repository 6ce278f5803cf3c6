import type { PrismaClient } from '../../db/database.js';
import type { CreditLeases } from '../billing/credit-leases.js';
import { budgetPeriodKey, worstCaseCostPico } from '../billing/estimate.js';
import { applyRate, picoToDecimal } from '../billing/pricing.js';
import { GatewayError } from '../gateway-error.js';
import { isKeyed } from '../keys/key-choice.js';
import type { RequestRun } from '../request-run.js';
import type { RouteCandidate } from '../routing/router.js';
import type { GatewayIdentity } from './authenticate.stage.js';

/** The rate that turns upstream cost into billed cost for a candidate's key source. */
export function billingRate(candidate: Pick<RouteCandidate, 'key'>, identity: GatewayIdentity, platformMultiplier: string): string {
  return isKeyed(candidate.key.source) ? identity.byokFeeRate : (identity.hostedCostMultiplier ?? platformMultiplier);
}

/**
 * Hold the worst-case billed cost before calling upstream — credits from this instance's
 * lease (no round trip while it lasts), a key's budget with one conditional statement — so
 * parallel requests cannot overdraw by more than what requests in flight already hold.
 * Returns the candidates this request can pay for.
 */
export class Reserver {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly leases: CreditLeases,
    private readonly platformMultiplier: string,
  ) {}

  async reserve(run: RequestRun, identity: GatewayIdentity, candidates: RouteCandidate[], maxOutputTokens: number | null): Promise<RouteCandidate[]> {
    const cost = (candidate: RouteCandidate) =>
      applyRate(worstCaseCostPico(run.inputChars, maxOutputTokens, candidate.maxOutputTokens, candidate.prices), billingRate(candidate, identity, this.platformMultiplier));
    const worst = candidates.reduce((max, candidate) => (cost(candidate) > max ? cost(candidate) : max), 0n);
    run.reservation = { credits: null, budget: null };

    if (identity.budgetUsd !== null && identity.budgetPeriod !== null) {
      const period = budgetPeriodKey(identity.budgetPeriod);
      // The hold and its Reservation row in one statement: a killed process leaves a row the sweeper can release.
      const held = await this.prisma.$executeRaw`
        WITH hold AS (
          INSERT INTO "GatewayKeySpend" ("gatewayKeyId", "period", "spentUsd", "reservedUsd")
          VALUES (${identity.gatewayKeyId}, ${period}, 0, ${picoToDecimal(worst)}::numeric)
          ON CONFLICT ("gatewayKeyId", "period") DO UPDATE
            SET "reservedUsd" = "GatewayKeySpend"."reservedUsd" + EXCLUDED."reservedUsd"
            WHERE "GatewayKeySpend"."spentUsd" + "GatewayKeySpend"."reservedUsd" < ${identity.budgetUsd}::numeric
          RETURNING "gatewayKeyId"
        )
        INSERT INTO "Reservation" ("requestId", "organizationId", "gatewayKeyId", "budgetPeriod", "budgetUsd")
        SELECT ${run.requestId}, ${identity.organizationId}, "gatewayKeyId", ${period}, ${picoToDecimal(worst)}::numeric FROM hold`;
      if (held === 0) throw new GatewayError(402, 'budget_exceeded', `This gateway key has spent its ${identity.budgetPeriod.toLowerCase()} budget of $${Number(identity.budgetUsd)}`);
      run.reservation.budget = { gatewayKeyId: identity.gatewayKeyId, period, pico: worst };
    }

    if (identity.mode === 'API_KEYS') return candidates;
    const lease = await this.leases.hold(identity.organizationId, worst);
    if (lease) {
      run.reservation.credits = { lease, pico: worst };
      return candidates;
    }
    // Out of credits: only calls that cost nothing (the organization's own keys, no fee) remain.
    const free = candidates.filter((candidate) => cost(candidate) === 0n && isKeyed(candidate.key.source));
    if (free.length === 0) {
      throw new GatewayError(402, 'insufficient_credits', 'The organization is out of credits; add credits or use your own provider keys');
    }
    return free;
  }
}
