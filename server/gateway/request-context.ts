import type { BudgetPeriod, FailureClass, ProjectMode } from '../../shared/domain.js';
import type { LimiterSetting } from '../domain/provider-settings/limiter-setting.js';
import type { ProviderEvent } from '../providers/events.js';
import type { AttributionBudgetRule } from './billing/request-budgets.js';
import type { CustomEndpointConfig } from './endpoints.js';

/** A gateway key as the pipeline needs it: what the authenticate stage hands to every later stage. */
export interface GatewayIdentity {
  gatewayKeyId: string;
  projectId: string;
  organizationId: string;
  rpmLimit: number | null;
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod | null;
  allowedModels: readonly string[];
  /** Tags every request of this key carries (merged with the x-keyplane-tags header's). */
  defaultTags: readonly string[];
  /** The project's tag and end-user budgets, cached with the key (most projects have none). */
  attributionBudgets: readonly AttributionBudgetRule[];
  mode: ProjectMode;
  preferStoredKeys: boolean;
  hostedCostMultiplier: string | null;
  byokFeeRate: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** What the gateway knows about a project's situation for one request (the resolve stage's output). */
export interface ProjectScope {
  hostedEnabled: boolean;
  /** The refuse-unpriced-credits flag: a call paid with credits needs a price. */
  refuseUnpriced: boolean;
  byokKeys: ReadonlyMap<string, { id: string; secret: string }>;
  /** The organization's own OpenAI-compatible endpoints by slug. */
  customProviders: ReadonlyMap<string, CustomEndpointConfig>;
  limiter(provider: string): LimiterSetting;
}

/**
 * Where the call stage hands the answer; the respond stage implements it over the client's
 * connection in the front door's own format. `run.committed` turns true with the first byte.
 */
export interface ResponseSink {
  /** A complete non-streaming answer (canonical events). */
  complete(events: readonly ProviderEvent[]): Promise<void>;
  /** One streamed event; the status line and headers go out with its first frame. */
  push(event: ProviderEvent): Promise<void>;
  /** The closing frames of a complete stream. */
  end(): Promise<void>;
  /** The stream broke after the first byte: the front door's in-stream error, then close. */
  interrupt(failureClass: FailureClass, message: string): Promise<void>;
  /** Pass-through: an upstream JSON body, relayed as it came. */
  passJson(body: string): Promise<void>;
  /** Pass-through: one piece of an upstream SSE body, relayed as it came. */
  passChunk(text: string): Promise<void>;
  /** Pass-through: the upstream stream ended. */
  passEnd(): void;
}
