import { FEATURE_FLAGS, type FeatureFlagKey, HOSTED_KEY_LLM_FLAG } from '../../../shared/domain.js';
import type { PrismaClient } from '../../db/database.js';
import type { DirectSql, HotStatement } from '../../db/direct-sql.js';
import type { FeatureFlagOverride, FlagScope } from '../../db/generated/client.js';
import { type Actor, requireOperator } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound } from '../errors.js';
import { effectiveFlag, type FlagSettings, type FlagValue } from './flag-precedence.js';

export interface FeatureFlagState {
  key: FeatureFlagKey;
  description: string;
  /** The global value (what applies where no override does). */
  enabled: boolean;
  /** Set from the environment; when present it decides everywhere. */
  envOverride: boolean | null;
  overrides: FeatureFlagOverride[];
  /** The value in force for every organization and project, and why (the dashboard shows these). */
  scopes: FlagScopeValue[];
}

/** A flag's value in force for one organization or project. */
export interface FlagScopeValue extends FlagValue {
  scope: FlagScope;
  scopeId: string;
  organizationId: string;
  /** This scope's own override (null: it inherits). */
  ownOverride: boolean | null;
  /** What removing the own override would leave. */
  inherited: FlagValue;
}

export interface SetFeatureFlagInput {
  key: string;
  enabled: boolean;
  organizationId?: string | null;
  projectId?: string | null;
}

export interface ClearFeatureFlagOverrideInput {
  key: string;
  organizationId?: string | null;
  projectId?: string | null;
}

/** Flags ($1: a JSON array of keys) with the organization's ($2) and the project's ($3) overrides. */
export const FLAGS_FOR_PROJECT: HotStatement = {
  name: 'kp_flags_for_project',
  text: `SELECT f."key", f."enabled",
  (SELECT o."enabled" FROM "FeatureFlagOverride" o WHERE o."flagKey" = f."key" AND o."scope" = 'ORGANIZATION' AND o."scopeId" = $2) AS "organization",
  (SELECT o."enabled" FROM "FeatureFlagOverride" o WHERE o."flagKey" = f."key" AND o."scope" = 'PROJECT' AND o."scopeId" = $3) AS "project"
FROM "FeatureFlag" f WHERE f."key" = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
};

export class FeatureFlagService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly direct: DirectSql,
    private readonly audit: AuditService,
    /** Environment overrides by flag key (HOSTED_KEY_LLM for hosted-key-llm). */
    private readonly envOverrides: Partial<Record<FeatureFlagKey, boolean>>,
  ) {}

  async list(actor: Actor): Promise<FeatureFlagState[]> {
    requireOperator(actor);
    const [rows, organizations, projects] = await Promise.all([
      this.prisma.featureFlag.findMany({ include: { overrides: { orderBy: { updatedAt: 'asc' } } } }),
      this.prisma.organization.findMany({ select: { id: true }, orderBy: { createdAt: 'asc' } }),
      this.prisma.project.findMany({ select: { id: true, organizationId: true }, orderBy: { createdAt: 'asc' } }),
    ]);
    return (Object.keys(FEATURE_FLAGS) as FeatureFlagKey[]).map((key) => {
      const row = rows.find((candidate) => candidate.key === key);
      const enabled = row?.enabled ?? FEATURE_FLAGS[key].defaultEnabled;
      const envOverride = this.envOverrides[key] ?? null;
      const overrides = row?.overrides ?? [];
      const own = (scope: FlagScope, scopeId: string) => overrides.find((o) => o.scope === scope && o.scopeId === scopeId)?.enabled ?? null;
      const value = (scope: FlagScope, scopeId: string, organizationId: string, settings: FlagSettings): FlagScopeValue => {
        const ownOverride = scope === 'PROJECT' ? settings.project : settings.organization;
        const inherited = effectiveFlag(scope === 'PROJECT' ? { ...settings, project: null } : { ...settings, organization: null });
        return { scope, scopeId, organizationId, ...effectiveFlag(settings), ownOverride, inherited };
      };
      const base = { envOverride, global: enabled, organization: null, project: null };
      const scopes = [
        ...organizations.map(({ id }) => value('ORGANIZATION', id, id, { ...base, organization: own('ORGANIZATION', id) })),
        ...projects.map((project) =>
          value('PROJECT', project.id, project.organizationId, {
            ...base,
            organization: own('ORGANIZATION', project.organizationId),
            project: own('PROJECT', project.id),
          }),
        ),
      ];
      return { key, description: FEATURE_FLAGS[key].description, enabled, envOverride, overrides, scopes };
    });
  }

  /** Global when neither id is given; otherwise an override for that organization or project. */
  async set(actor: Actor, input: SetFeatureFlagInput): Promise<FeatureFlagState> {
    requireOperator(actor);
    if (!(input.key in FEATURE_FLAGS)) throw badInput(`Unknown feature flag "${input.key.slice(0, 60)}"`);
    const key = input.key as FeatureFlagKey;
    if (input.organizationId && input.projectId) throw badInput('Give organizationId or projectId, not both');
    const scope = await this.resolveScope(input);
    await this.prisma.$transaction(async (tx) => {
      await tx.featureFlag.upsert({
        where: { key },
        create: { key, description: FEATURE_FLAGS[key].description, enabled: scope ? FEATURE_FLAGS[key].defaultEnabled : input.enabled },
        update: scope ? {} : { enabled: input.enabled },
      });
      if (scope) {
        await tx.featureFlagOverride.upsert({
          where: { flagKey_scope_scopeId: { flagKey: key, scope: scope.scope, scopeId: scope.scopeId } },
          create: { flagKey: key, scope: scope.scope, scopeId: scope.scopeId, enabled: input.enabled },
          update: { enabled: input.enabled },
        });
      }
      await this.audit.record(tx, actor, {
        organizationId: scope?.organizationId ?? null,
        action: 'feature-flag.set',
        targetType: 'FeatureFlag',
        targetId: key,
        details: { key, enabled: input.enabled, scope: scope?.scope ?? 'GLOBAL', scopeId: scope?.scopeId ?? null },
      });
    });
    const states = await this.list(actor);
    return states.find((state) => state.key === key) as FeatureFlagState;
  }

  /**
   * Remove the override for one organization or project, so it inherits again (a project its
   * organization's value, an organization the global one). Idempotent: removing an override
   * that does not exist changes nothing and writes no audit entry.
   */
  async clearOverride(actor: Actor, input: ClearFeatureFlagOverrideInput): Promise<FeatureFlagState> {
    requireOperator(actor);
    if (!(input.key in FEATURE_FLAGS)) throw badInput(`Unknown feature flag "${input.key.slice(0, 60)}"`);
    const key = input.key as FeatureFlagKey;
    if (input.organizationId && input.projectId) throw badInput('Give organizationId or projectId, not both');
    const scope = await this.resolveScope(input);
    if (!scope) throw badInput('Give the organizationId or projectId whose override to remove; the global value has none');
    await this.prisma.$transaction(async (tx) => {
      const where = { flagKey_scope_scopeId: { flagKey: key, scope: scope.scope, scopeId: scope.scopeId } };
      const existing = await tx.featureFlagOverride.findUnique({ where });
      if (!existing) return;
      await tx.featureFlagOverride.delete({ where });
      await this.audit.record(tx, actor, {
        organizationId: scope.organizationId,
        action: 'feature-flag.clear',
        targetType: 'FeatureFlag',
        targetId: key,
        details: { key, scope: scope.scope, scopeId: scope.scopeId, previous: existing.enabled },
      });
    });
    const states = await this.list(actor);
    return states.find((state) => state.key === key) as FeatureFlagState;
  }

  /**
   * Several flags' values in force for one project: env override, then project, organization,
   * global, default. One statement without Prisma (the gateway loads them when a project's
   * cached flags went cold).
   */
  async enabledFor<K extends FeatureFlagKey>(keys: readonly K[], organizationId: string, projectId: string): Promise<Record<K, boolean>> {
    const fromDatabase = keys.filter((key) => (this.envOverrides[key] ?? null) === null);
    const rows = fromDatabase.length
      ? await this.direct.query<{ key: string; enabled: boolean; organization: boolean | null; project: boolean | null }>(
          FLAGS_FOR_PROJECT,
          [JSON.stringify(fromDatabase), organizationId, projectId],
        )
      : [];
    const values = {} as Record<K, boolean>;
    for (const key of keys) {
      const row = rows.find((candidate) => candidate.key === key);
      values[key] = effectiveFlag({
        envOverride: this.envOverrides[key] ?? null,
        global: row?.enabled ?? FEATURE_FLAGS[key].defaultEnabled,
        organization: row?.organization ?? null,
        project: row?.project ?? null,
      }).enabled;
    }
    return values;
  }

  private async resolveScope(input: {
    organizationId?: string | null;
    projectId?: string | null;
  }): Promise<{ scope: FlagScope; scopeId: string; organizationId: string } | null> {
    if (input.projectId) {
      const project = await this.prisma.project.findUnique({ where: { id: input.projectId }, select: { organizationId: true } });
      if (!project) throw notFound('Project');
      return { scope: 'PROJECT', scopeId: input.projectId, organizationId: project.organizationId };
    }
    if (input.organizationId) {
      const organization = await this.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
      if (!organization) throw notFound('Organization');
      return { scope: 'ORGANIZATION', scopeId: input.organizationId, organizationId: input.organizationId };
    }
    return null;
  }
}

/** Map the environment's flag overrides (HOSTED_KEY_LLM, README Configuration) to flag keys. */
export function envFlagOverrides(hostedKeyLlm: boolean | undefined): Partial<Record<FeatureFlagKey, boolean>> {
  return hostedKeyLlm === undefined ? {} : { [HOSTED_KEY_LLM_FLAG]: hostedKeyLlm };
}
