import type { PrismaClient } from '../../db/database.js';
import type { LimiterMode, ProviderSetting } from '../../db/generated/client.js';
import { type Actor, requireOperator } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput } from '../errors.js';
import type { ProviderDirectory } from '../provider-keys/provider-key.service.js';
import { DEFAULT_LIMITER, type LimiterSetting } from './limiter-setting.js';

export interface SetProviderLimiterInput {
  provider: string;
  mode: LimiterMode;
  requestsPerMinute?: number | null;
  queueTimeoutMs?: number | null;
}

/** Operator settings per provider: how hosted keys are rate limited (limiter modes: docs/graphql.md, setProviderLimiter). */
export class ProviderSettingService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly providers: ProviderDirectory,
  ) {}

  /** What applies where an operator set nothing (and the queue timeout a QUEUE setting without one gets). */
  defaults(actor: Actor): LimiterSetting {
    requireOperator(actor);
    return DEFAULT_LIMITER;
  }

  async all(): Promise<ProviderSetting[]> {
    return this.prisma.providerSetting.findMany({ orderBy: { provider: 'asc' } });
  }

  async setLimiter(actor: Actor, input: SetProviderLimiterInput): Promise<ProviderSetting> {
    requireOperator(actor);
    if (!this.providers.has(input.provider)) throw badInput(`Unknown provider "${input.provider.slice(0, 40)}"`);
    const rpm = input.requestsPerMinute ?? null;
    if (rpm !== null && (!Number.isInteger(rpm) || rpm < 1 || rpm > 1_000_000))
      throw badInput('requestsPerMinute must be a whole number from 1 to 1000000');
    if (input.mode === 'PER_ORGANIZATION' && rpm === null) throw badInput('PER_ORGANIZATION needs requestsPerMinute');
    const timeout = input.queueTimeoutMs ?? null;
    if (timeout !== null && (!Number.isInteger(timeout) || timeout < 1 || timeout > 600_000))
      throw badInput('queueTimeoutMs must be from 1 to 600000');
    const data = { limiterMode: input.mode, requestsPerMinute: rpm, queueTimeoutMs: timeout };
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.providerSetting.upsert({
        where: { provider: input.provider },
        create: { provider: input.provider, ...data },
        update: data,
      });
      await this.audit.record(tx, actor, {
        organizationId: null,
        action: 'provider.set-limiter',
        targetType: 'Provider',
        targetId: input.provider,
        details: data,
      });
      return row;
    });
  }
}
