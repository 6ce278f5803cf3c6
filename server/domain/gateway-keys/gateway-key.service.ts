import { MAX_TAGS, tagRuleBroken, tagSet } from '../../../shared/attribution-tags.js';
import type { PrismaClient } from '../../db/database.js';
import type { DirectSql, HotStatement } from '../../db/direct-sql.js';
import type { AttributionScope, BudgetPeriod, GatewayKey, ProjectMode } from '../../db/generated/client.js';
import { hashSecret, newGatewayKeySecret, secretPrefix } from '../../secrets/tokens.js';
import { type Actor, requireTenantRow } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput } from '../errors.js';
import { parseDecimal } from '../money.js';
import { cleanText } from '../text.js';

export interface CreateGatewayKeyInput {
  projectId: string;
  name: string;
  rpmLimit?: number | null;
  budgetUsd?: string | null;
  budgetPeriod?: BudgetPeriod | null;
  allowedModels?: string[] | null;
  /** Tags every usage record of the key carries (merged with the request header's). */
  defaultTags?: string[] | null;
  expiresAt?: Date | null;
}

export type GatewayKeyView = Omit<GatewayKey, 'hash'>;

const VIEW = {
  id: true,
  projectId: true,
  name: true,
  prefix: true,
  rpmLimit: true,
  budgetUsd: true,
  budgetPeriod: true,
  allowedModels: true,
  defaultTags: true,
  expiresAt: true,
  revokedAt: true,
  createdById: true,
  createdAt: true,
} as const;

/** A gateway key with what the gateway needs of its project and organization (decimals as text, at their columns' scale). */
export interface GatewayKeyIdentityRow {
  id: string;
  projectId: string;
  rpmLimit: number | null;
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod | null;
  allowedModels: string[];
  defaultTags: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  mode: ProjectMode;
  preferStoredKeys: boolean;
  organizationId: string;
  hostedCostMultiplier: string | null;
  byokFeeRate: string;
  /** The project's tag and end-user budgets (most projects have none). */
  attributionBudgets: { id: string; scope: AttributionScope; value: string; budgetUsd: string; budgetPeriod: BudgetPeriod }[];
}

/**
 * Keys by hash ($1: a JSON array of hashes, found through the unique index), each joined to its
 * project, organization and the project's budgets: one statement for a whole batch.
 */
export const GATEWAY_KEY_IDENTITIES: HotStatement = {
  name: 'kp_gateway_key_identities',
  text: `SELECT k."hash", k."id", k."projectId", k."rpmLimit", k."budgetUsd"::text AS "budgetUsd", k."budgetPeriod"::text AS "budgetPeriod",
  k."allowedModels", k."defaultTags", k."expiresAt", k."revokedAt", p."mode"::text AS "mode", p."preferStoredKeys",
  o."id" AS "organizationId", o."hostedCostMultiplier"::text AS "hostedCostMultiplier", o."byokFeeRate"::text AS "byokFeeRate",
  coalesce((SELECT json_agg(json_build_object('id', b."id", 'scope', b."scope", 'value', b."value",
      'budgetUsd', b."budgetUsd"::text, 'budgetPeriod', b."budgetPeriod") ORDER BY b."id")
    FROM "AttributionBudget" b WHERE b."projectId" = p."id"), '[]') AS "attributionBudgets"
FROM "GatewayKey" k JOIN "Project" p ON p."id" = k."projectId" JOIN "Organization" o ON o."id" = p."organizationId"
WHERE k."hash" = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
};

export class GatewayKeyService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly direct: DirectSql,
    private readonly audit: AuditService,
  ) {}

  /**
   * The keys behind these hashes (`hashSecret`), with what the gateway needs of their project and
   * organization; hashes of no key are absent. Revoked and expired keys are returned so the
   * caller can say which. One statement without Prisma, whatever the number of hashes.
   */
  async identitiesByHash(hashes: readonly string[]): Promise<Map<string, GatewayKeyIdentityRow>> {
    const rows = await this.direct.query<GatewayKeyIdentityRow & { hash: string }>(GATEWAY_KEY_IDENTITIES, [JSON.stringify(hashes)]);
    return new Map(rows.map(({ hash, ...identity }) => [hash, identity]));
  }

  async listForProjects(projectIds: readonly string[]): Promise<GatewayKeyView[]> {
    return this.prisma.gatewayKey.findMany({
      where: { projectId: { in: [...projectIds] } },
      select: VIEW,
      orderBy: { createdAt: 'asc' },
    });
  }

  /** The secret is returned here once and stored only as a hash. */
  async create(actor: Actor, input: CreateGatewayKeyInput, now = new Date()): Promise<{ key: GatewayKeyView; secret: string }> {
    const found = await this.prisma.project.findUnique({ where: { id: input.projectId }, select: { organizationId: true } });
    const project = requireTenantRow(actor, found, found?.organizationId, 'Project', 'ADMIN');
    const limits = validateLimits(input, now);
    const secret = newGatewayKeySecret();
    const key = await this.prisma.$transaction(async (tx) => {
      const row = await tx.gatewayKey.create({
        data: { projectId: input.projectId, hash: hashSecret(secret), prefix: secretPrefix(secret), createdById: actor.userId, ...limits },
        select: VIEW,
      });
      await this.audit.record(tx, actor, {
        organizationId: project.organizationId,
        action: 'gateway-key.create',
        targetType: 'GatewayKey',
        targetId: row.id,
        details: { name: row.name, prefix: row.prefix, projectId: input.projectId, ...auditLimits(limits) },
      });
      return row;
    });
    return { key, secret };
  }

  async revoke(actor: Actor, id: string, now = new Date()): Promise<GatewayKeyView> {
    const found = await this.prisma.gatewayKey.findUnique({
      where: { id },
      select: { ...VIEW, project: { select: { organizationId: true } } },
    });
    const existing = requireTenantRow(actor, found, found?.project.organizationId, 'Gateway key', 'ADMIN');
    const organizationId = existing.project.organizationId;
    if (existing.revokedAt) return stripProject(existing);
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.gatewayKey.update({ where: { id }, data: { revokedAt: now }, select: VIEW });
      await this.audit.record(tx, actor, {
        organizationId,
        action: 'gateway-key.revoke',
        targetType: 'GatewayKey',
        targetId: id,
        details: { name: row.name, prefix: row.prefix },
      });
      return row;
    });
  }
}

function stripProject<T extends { project: unknown }>(row: T): Omit<T, 'project'> {
  const { project: _project, ...rest } = row;
  return rest;
}

function validateLimits(input: CreateGatewayKeyInput, now: Date) {
  const name = cleanText('name', input.name);
  if (input.rpmLimit != null && (!Number.isInteger(input.rpmLimit) || input.rpmLimit < 1 || input.rpmLimit > 1_000_000)) {
    throw badInput('rpmLimit must be a whole number from 1 to 1000000');
  }
  const hasBudget = input.budgetUsd != null && input.budgetUsd !== '';
  if (hasBudget !== (input.budgetPeriod != null)) throw badInput('budgetUsd and budgetPeriod go together: set both or neither');
  const budgetUsd = hasBudget ? parseDecimal('budgetUsd', input.budgetUsd as string, { max: 1_000_000_000 }) : null;
  const allowedModels = [...new Set((input.allowedModels ?? []).map((model) => model.trim()))];
  if (allowedModels.length > 200) throw badInput('allowedModels may list at most 200 models');
  if (allowedModels.some((model) => model === '' || model.length > 200))
    throw badInput('allowedModels entries must be 1 to 200 characters');
  const defaultTags = tagSet((input.defaultTags ?? []).map((tag) => tag.trim()));
  if (defaultTags.length > MAX_TAGS) throw badInput(`defaultTags may list at most ${MAX_TAGS} tags`);
  const broken = defaultTags.map(tagRuleBroken).find((rule) => rule !== null);
  if (broken) throw badInput(`defaultTags: ${broken}`);
  if (input.expiresAt != null && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt <= now)) {
    throw badInput('expiresAt must be in the future');
  }
  return {
    name,
    rpmLimit: input.rpmLimit ?? null,
    budgetUsd,
    budgetPeriod: hasBudget ? (input.budgetPeriod ?? null) : null,
    allowedModels,
    defaultTags,
    expiresAt: input.expiresAt ?? null,
  };
}

function auditLimits(limits: ReturnType<typeof validateLimits>) {
  return {
    rpmLimit: limits.rpmLimit,
    budgetUsd: limits.budgetUsd,
    budgetPeriod: limits.budgetPeriod,
    allowedModels: limits.allowedModels,
    defaultTags: limits.defaultTags,
    expiresAt: limits.expiresAt?.toISOString() ?? null,
  };
}
