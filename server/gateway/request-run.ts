import type { FailureClass, KeySource, ProjectMode, RequestStatus } from '../../shared/domain.js';
import { NO_TRACE, type RequestTrace, type StageSpan } from '../observability/tracing.js';
import type { ProviderEvent, UsageEvent } from '../providers/events.js';
import type { Lease } from './billing/leases.js';
import type { BillingQuote } from './billing/price-lookup.js';
import type { BudgetRef } from './billing/settlement-row.js';
import { Cancellation } from './cancellation.js';
import type { FrontDoorId } from './front-doors/front-door.js';
import type { RoutingDecision } from './routing/router.js';

/** What reserve() held for this request, released or turned into a debit at settlement. */
export interface Reservation {
  /** Held from this instance's lease of the organization's credit. */
  credits: { lease: Lease; pico: bigint } | null;
  /** Held from each of these budgets (the key's, and the tag and end-user budgets the request falls under), from the lease at the same index. */
  budget: { budgets: readonly BudgetRef[]; leases: readonly Lease[]; pico: bigint } | null;
}

/**
 * Everything one gateway request learns on its way through the stages, accumulated so it
 * can be settled once — cost, credits, usage record, metrics — whatever way it ended.
 */
export class RequestRun {
  readonly startedAt = Date.now();
  readonly startedHr = process.hrtime.bigint();
  /** Set when the client goes away before its answer is written; cancels the upstream call. */
  readonly cancellation = new Cancellation();
  /** This request's spans (request-trace.ts); the no-op unless OTLP export is configured. */
  trace: RequestTrace = NO_TRACE;
  /** The respond stage's span: from the first byte of the answer (or of an error answer) until the response is finished. */
  responding: StageSpan | null = null;

  gatewayKeyId: string | null = null;
  organizationId: string | null = null;
  projectId: string | null = null;
  mode: ProjectMode | null = null;
  /** The front door the client used (the usage record's `endpoint`). */
  frontDoor: FrontDoorId = 'openai-chat';
  /** Attribution (attribution.ts): the key's default tags and the header's, and the end user the body named. */
  tags: readonly string[] = [];
  endUser: string | null = null;
  model = '';
  stream = false;
  /** Client tools the front door left out of a translated request (none when the body passed through). */
  droppedTools: readonly string[] = [];
  /** Other parts of the request a translation left out, each with its reason (logged; empty when passed through). */
  dropped: readonly string[] = [];
  /** True while the attempt relays the client's body to a same-format upstream untouched. */
  passedThrough = false;
  /** Rough input size (characters of the messages) for estimates when no usage arrives. */
  inputChars = 0;
  /** Web searches a passed-through stream showed as they ran: the least it is billed for when its final usage never came. */
  webSearchesSeen = 0;
  /** The most web searches the request allows, where it says (held before the call). */
  webSearchLimit = 0;

  provider: string | null = null;
  keySource: KeySource | null = null;
  keyRef: string | null = null;
  prices: BillingQuote | null = null;
  /** Multiplier or BYOK fee rate that turns upstream cost into billed cost. */
  billingRate = '1';
  routing: RoutingDecision | null = null;
  attempts = 0;
  reservation: Reservation | null = null;
  /** Whether the write-ahead intent committed (IntentWrite); settlement waits for it. Null until the first call. */
  intentCommitted: Promise<boolean> | null = null;

  /** The provider's last usage report (totals so far). */
  usage: Omit<UsageEvent, 'type'> | null = null;
  outputChars = 0;
  firstTokenAt: number | null = null;
  /** True once anything of the answer (status line, headers) went to the client. */
  committed = false;

  status: RequestStatus = 'SUCCESS';
  failureClass: FailureClass | null = null;
  httpStatus = 200;
  errorMessage: string | null = null;

  constructor(readonly requestId: string) {}

  /** Fold one adapter event into the run. */
  observe(event: ProviderEvent): void {
    switch (event.type) {
      case 'text-delta':
      case 'reasoning-delta':
        this.outputChars += event.text.length;
        this.firstTokenAt ??= Date.now();
        break;
      case 'tool-call-delta':
        this.outputChars += event.argumentsDelta.length + (event.name?.length ?? 0);
        this.firstTokenAt ??= Date.now();
        break;
      case 'usage':
        this.usage = usageCounts(event);
        break;
      default:
        break;
    }
  }

  /** The answer's first byte goes out: from here on nothing may be retried. */
  commit(): void {
    if (this.committed) return;
    this.committed = true;
    this.responding ??= this.trace.stage('respond');
  }

  fail(status: RequestStatus, failureClass: FailureClass | null, httpStatus: number, message: string): void {
    this.status = status;
    this.failureClass = failureClass;
    this.httpStatus = httpStatus;
    this.errorMessage = message.slice(0, 500);
  }

  latencyMs(): number {
    return Number((process.hrtime.bigint() - this.startedHr) / 1_000_000n);
  }

  /** What a bill takes from credits: all of it when this request held credits, else nothing (its own keys, no fee). */
  creditDebit(billedPico: bigint): bigint {
    return this.reservation?.credits ? billedPico : 0n;
  }
}

function usageCounts(event: UsageEvent): Omit<UsageEvent, 'type'> {
  return {
    inputTokens: event.inputTokens,
    cachedInputTokens: event.cachedInputTokens,
    cacheWriteTokens: event.cacheWriteTokens,
    cacheWrite1hTokens: event.cacheWrite1hTokens,
    outputTokens: event.outputTokens,
    reasoningTokens: event.reasoningTokens,
    webSearches: event.webSearches,
  };
}
