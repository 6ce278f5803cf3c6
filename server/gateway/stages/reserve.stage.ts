import { applyRate } from '../../../shared/money.js';
import { billingRate } from '../billing/billing-rate.js';
import { worstCaseCostPico } from '../billing/estimate.js';
import type { Leases } from '../billing/leases.js';
import { requestBudgets } from '../billing/request-budgets.js';
import { GatewayError } from '../gateway-error.js';
import { isKeyed } from '../keys/key-choice.js';
import type { GatewayIdentity } from '../request-context.js';
import type { RequestRun } from '../request-run.js';
import type { RouteCandidate } from '../routing/router.js';

/**
 * With the refuse-unpriced-credits flag on, a call paid with credits (a platform key) needs a
 * price: without one it could not be billed. The organization's own keys cost it nothing, so
 * they still serve unpriced models.
 */
function pricedForCredits(candidates: RouteCandidate[], model: string): RouteCandidate[] {
  const payable = candidates.filter((candidate) => candidate.prices !== null || isKeyed(candidate.key.source));
  if (payable.length > 0) return payable;
  throw new GatewayError(
    'FORBIDDEN',
    'model_unpriced',
    `"${model.slice(0, 100)}" has no price, and this organization does not serve unpriced models with credits; ` +
      'an operator can set one with setModelPrice',
  );
}

/**
 * Hold the worst-case billed cost before calling upstream — from this instance's leases of the
 * key's, tags' and end user's budgets (all or none) and of the organization's credits, with no
 * round trip while they last — so parallel requests cannot overdraw by more than leases.ts bounds.
 * Returns the candidates this request can pay for.
 */
export class Reserver {
  constructor(
    private readonly leases: Leases,
    private readonly platformMultiplier: string,
  ) {}

  async reserve(
    run: RequestRun,
    identity: GatewayIdentity,
    routed: RouteCandidate[],
    maxOutputTokens: number | null,
    refuseUnpriced: boolean,
  ): Promise<RouteCandidate[]> {
    const candidates = refuseUnpriced ? pricedForCredits(routed, run.model) : routed;
    const cost = (candidate: RouteCandidate) =>
      applyRate(
        worstCaseCostPico(run.inputChars, maxOutputTokens, candidate.maxOutputTokens, candidate.prices, run.webSearchLimit),
        billingRate(candidate, identity, this.platformMultiplier),
      );
    const worst = candidates.reduce((max, candidate) => (cost(candidate) > max ? cost(candidate) : max), 0n);
    const reservation: NonNullable<RequestRun['reservation']> = { credits: null, budget: null };
    run.reservation = reservation;
    // A call that bills nothing still needs room: a spent budget, or a non-positive balance,
    // refuses every call. The least hold there is asks exactly that (spend + what is held < the
    // limit; balance − what is held > 0).
    const pico = worst > 0n ? worst : 1n;
    const budgets = requestBudgets(identity, run.tags, run.endUser);
    // One fee policy in every mode: whatever bills more than nothing (platform keys, or the
    // organization's own keys with a BYOK fee rate) is held from credits and debited, so an
    // API_KEYS project with a fee is refused at a zero balance exactly like a HYBRID one.
    // A platform key serving an unpriced model bills nothing it can compute, yet it is paid with
    // credits all the same.
    const paidWithCredits = worst > 0n || candidates.some((candidate) => !isKeyed(candidate.key.source));
    const { organizationId } = identity;
    // The budgets and the credits are held at once: a request whose leases all need a round trip
    // (a tenant's first request after a pause) waits for one, not one per lease. Whatever was
    // held is on the run before anything is refused, so settlement gives it back.
    const [budgetHolds, creditHold] = await Promise.allSettled([
      budgets.length > 0
        ? this.leases.holdAll(
            budgets.map(({ budgetId, period, limitUsd }) => ({ kind: 'budget', organizationId, budgetId, period, limitUsd })),
            pico,
          )
        : null,
      paidWithCredits ? this.leases.hold({ kind: 'credits', organizationId }, pico) : null,
    ]);
    if (creditHold.status === 'fulfilled' && creditHold.value) reservation.credits = { lease: creditHold.value, pico };
    if (budgetHolds.status === 'fulfilled' && Array.isArray(budgetHolds.value))
      reservation.budget = { budgets: budgets.map(({ budgetId, period }) => ({ budgetId, period })), leases: budgetHolds.value, pico };
    if (budgetHolds.status === 'rejected') throw budgetHolds.reason;
    if (creditHold.status === 'rejected') throw creditHold.reason;
    if (typeof budgetHolds.value === 'number')
      throw new GatewayError('PAYMENT_REQUIRED', 'budget_exceeded', budgets[budgetHolds.value]?.refusal ?? '');
    if (!paidWithCredits || reservation.credits) return candidates;
    // Out of credits: only calls that cost nothing (the organization's own keys, no fee) remain.
    const free = candidates.filter((candidate) => cost(candidate) === 0n && isKeyed(candidate.key.source));
    if (free.length === 0) {
      throw new GatewayError(
        'PAYMENT_REQUIRED',
        'insufficient_credits',
        identity.mode === 'API_KEYS'
          ? "The organization is out of credits, which pay the BYOK fee on its own keys' calls; add credits"
          : 'The organization is out of credits; add credits or use your own provider keys',
      );
    }
    return free;
  }
}
