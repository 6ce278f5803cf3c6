import type { FailureClass, KeySource, ProjectMode, RequestStatus } from '../../shared/domain.js';
import type { ProviderEvent } from '../providers/events.js';
import type { Lease } from './billing/credit-leases.js';
import type { TokenPrices } from './billing/pricing.js';
import type { RoutingDecision } from './routing/router.js';

/** What reserve() held for this request, released or turned into a debit at settlement. */
export interface Reservation {
  /** Held from this instance's lease of the organization's credit. */
  credits: { lease: Lease; pico: bigint } | null;
  budget: { gatewayKeyId: string; period: string; pico: bigint } | null;
}

/**
 * Everything one gateway request learns on its way through the stages, accumulated so it
 * can be settled once — cost, credits, usage record, metrics — whatever way it ended.
 */
export class RequestRun {
  readonly startedAt = Date.now();
  readonly startedHr = process.hrtime.bigint();
  readonly abort = new AbortController();

  gatewayKeyId: string | null = null;
  organizationId: string | null = null;
  projectId: string | null = null;
  mode: ProjectMode | null = null;
  model = '';
  stream = false;
  /** Rough input size (characters of the messages) for estimates when no usage arrives. */
  inputChars = 0;

  provider: string | null = null;
  keySource: KeySource | null = null;
  keyRef: string | null = null;
  prices: TokenPrices | null = null;
  /** Multiplier or BYOK fee rate that turns upstream cost into billed cost. */
  billingRate = '1';
  routing: RoutingDecision | null = null;
  attempts = 0;
  reservation: Reservation | null = null;

  usage: { inputTokens: number; cachedInputTokens: number; outputTokens: number } | null = null;
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
        this.outputChars += event.text.length;
        this.firstTokenAt ??= Date.now();
        break;
      case 'tool-call-delta':
        this.outputChars += event.argumentsDelta.length + (event.name?.length ?? 0);
        this.firstTokenAt ??= Date.now();
        break;
      case 'usage':
        this.usage = { inputTokens: event.inputTokens, cachedInputTokens: event.cachedInputTokens, outputTokens: event.outputTokens };
        break;
      default:
        break;
    }
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
}
