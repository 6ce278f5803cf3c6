import { LRUCache } from 'lru-cache';
import type { BudgetPeriod, ProjectMode } from '../../../shared/domain.js';
import type { GatewayKeyService } from '../../domain/gateway-keys/gateway-key.service.js';
import { hashSecret } from '../../secrets/tokens.js';
import { GatewayError } from '../gateway-error.js';

/**
 * How stale a cached lookup may be. Revocations, flag flips and mode changes reach every
 * instance within this bound (well inside SPEC's one second) without a pub/sub channel.
 */
export const CACHE_TTL_MS = 500;

/** A gateway key as the pipeline needs it. */
export interface GatewayIdentity {
  gatewayKeyId: string;
  projectId: string;
  organizationId: string;
  rpmLimit: number | null;
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod | null;
  allowedModels: readonly string[];
  mode: ProjectMode;
  preferStoredKeys: boolean;
  hostedCostMultiplier: string | null;
  byokFeeRate: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/**
 * Bearer kp_… → the key, its project and organization. Lookups are cached for at most
 * `ttlMs` (CACHE_TTL_MS by default), which bounds how long a revocation or mode change takes to apply.
 */
export class GatewayAuthenticator {
  private readonly cache: LRUCache<string, GatewayIdentity | 'unknown', string>;

  constructor(
    private readonly gatewayKeys: GatewayKeyService,
    ttlMs = CACHE_TTL_MS,
  ) {
    // fetch() merges concurrent loads of one key: an expiry under load costs one query, not one per request.
    this.cache = new LRUCache({ max: 50_000, ttl: ttlMs, fetchMethod: (_hash, _stale, { context }) => this.load(context) });
  }

  async authenticate(header: string | undefined, now = new Date()): Promise<GatewayIdentity> {
    const secret = /^Bearer\s+(kp_[A-Za-z0-9]+)\s*$/i.exec(header ?? '')?.[1];
    if (!secret) throw new GatewayError(401, 'invalid_api_key', 'Send a gateway key as "Authorization: Bearer kp_…"');
    const identity = await this.cache.fetch(hashSecret(secret), { context: secret });
    if (identity === undefined || identity === 'unknown') throw new GatewayError(401, 'invalid_api_key', 'The gateway key is not valid');
    if (identity.revokedAt && identity.revokedAt <= now) throw new GatewayError(401, 'revoked_api_key', 'The gateway key has been revoked');
    if (identity.expiresAt && identity.expiresAt <= now) throw new GatewayError(401, 'expired_api_key', 'The gateway key has expired');
    return identity;
  }

  /** Drop cached lookups (revocation, mode or billing changes) so this instance sees them at once. */
  invalidateAll(): void {
    this.cache.clear();
  }

  private async load(secret: string): Promise<GatewayIdentity | 'unknown'> {
    const row = await this.gatewayKeys.lookupBySecret(secret);
    if (!row) return 'unknown';
    return {
      gatewayKeyId: row.id,
      projectId: row.projectId,
      organizationId: row.project.organization.id,
      rpmLimit: row.rpmLimit,
      budgetUsd: row.budgetUsd?.toFixed(12) ?? null,
      budgetPeriod: row.budgetPeriod,
      allowedModels: row.allowedModels,
      mode: row.project.mode,
      preferStoredKeys: row.project.preferStoredKeys,
      hostedCostMultiplier: row.project.organization.hostedCostMultiplier?.toFixed(6) ?? null,
      byokFeeRate: row.project.organization.byokFeeRate.toFixed(6),
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
    };
  }
}
