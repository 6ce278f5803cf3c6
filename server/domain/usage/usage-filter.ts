import { PROVIDER_IDS } from '../../../shared/catalog.js';
import {
  FAILURE_CLASSES,
  type FailureClass,
  KEY_SOURCES,
  type KeySource,
  REQUEST_STATUSES,
  type RequestStatus,
} from '../../../shared/domain.js';
import { Prisma } from '../../db/generated/client.js';
import { type Actor, requireOrgRole } from '../actor.js';
import { badInput } from '../errors.js';
import { PLATFORM_KEY_REF, PLATFORM_KEY_SOURCES, PLATFORM_KEY_SOURCES_SQL } from './platform-key-view.js';
import { canonicalModelSql } from './usage-dimensions.js';

/** What a usage query or a request log looks at. Times: `from` inclusive, `to` exclusive. */
export interface UsageFilterInput {
  from?: Date | null;
  to?: Date | null;
  organizationId?: string | null;
  projectId?: string | null;
  gatewayKeyId?: string | null;
  provider?: string | null;
  model?: string | null;
  keySource?: KeySource | null;
  status?: RequestStatus | null;
  failureClass?: FailureClass | null;
  keyRef?: string | null;
  /** Records carrying this tag. */
  tag?: string | null;
  endUser?: string | null;
  /** The front door (openai-chat, anthropic-messages, openai-responses, embeddings). */
  endpoint?: string | null;
}

/** A validated filter, narrowed to the organizations the actor may see. */
export interface UsageScope {
  from: Date;
  to: Date;
  /** null: every organization (operators); otherwise only these (possibly none). */
  organizationIds: string[] | null;
  projectId: string | null;
  gatewayKeyId: string | null;
  provider: string | null;
  model: string | null;
  keySource: KeySource | null;
  status: RequestStatus | null;
  failureClass: FailureClass | null;
  keyRef: string | null;
  tag: string | null;
  endUser: string | null;
  endpoint: string | null;
  /** Operators see platform keys by env variable name; tenants see PLATFORM_KEY_REF (platform-key-view.ts). */
  namesPlatformKeys: boolean;
}

const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 400;

/**
 * Validate a filter and apply the access rule: operators see every organization; anyone else
 * only organizations they belong to (asking for another one is FORBIDDEN).
 */
export function resolveScope(actor: Actor, filter: UsageFilterInput | null | undefined, now: Date): UsageScope {
  const f = filter ?? {};
  const to = f.to ?? (f.from ? new Date(Math.max(now.getTime(), f.from.getTime() + 1)) : now);
  const from = f.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badInput('from and to must be valid times');
  if (from.getTime() >= to.getTime()) throw badInput('from must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw badInput(`The time range may span at most ${MAX_RANGE_DAYS} days`);

  let organizationIds: string[] | null;
  if (f.organizationId) {
    requireOrgRole(actor, f.organizationId, 'MEMBER');
    organizationIds = [f.organizationId];
  } else {
    organizationIds = actor.isOperator ? null : [...actor.roles.keys()];
  }
  return {
    from,
    to,
    organizationIds,
    projectId: text('projectId', f.projectId),
    gatewayKeyId: text('gatewayKeyId', f.gatewayKeyId),
    provider: text('provider', f.provider),
    model: text('model', f.model),
    keySource: oneOf('keySource', f.keySource, KEY_SOURCES),
    status: oneOf('status', f.status, REQUEST_STATUSES),
    failureClass: oneOf('failureClass', f.failureClass, FAILURE_CLASSES),
    keyRef: text('keyRef', f.keyRef),
    tag: text('tag', f.tag),
    endUser: text('endUser', f.endUser),
    endpoint: text('endpoint', f.endpoint),
    namesPlatformKeys: actor.isOperator,
  };
}

/** True when the scope cannot match anything (a user in no organization). */
export function isEmptyScope(scope: UsageScope): boolean {
  return scope.organizationIds !== null && scope.organizationIds.length === 0;
}

/**
 * The scope's conditions other than time, over "UsageRecord" (raw) or a rollup table (where the
 * enum dimensions are text); every value is a bound parameter.
 */
export function scopeConditions(scope: UsageScope, source: 'raw' | 'rollup'): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (scope.organizationIds) {
    conditions.push(
      scope.organizationIds.length === 1
        ? Prisma.sql`"organizationId" = ${scope.organizationIds[0]}`
        : Prisma.sql`"organizationId" IN (${Prisma.join(scope.organizationIds)})`,
    );
  }
  if (scope.projectId) conditions.push(Prisma.sql`"projectId" = ${scope.projectId}`);
  if (scope.gatewayKeyId) conditions.push(Prisma.sql`"gatewayKeyId" = ${scope.gatewayKeyId}`);
  if (scope.provider) conditions.push(Prisma.sql`"provider" = ${scope.provider}`);
  // As sent (`openai/gpt-4o`) or as grouped (`gpt-4o` takes both forms: usage-dimensions.ts).
  if (scope.model) conditions.push(Prisma.sql`("model" = ${scope.model} OR ${Prisma.raw(canonicalModelSql(source))} = ${scope.model})`);
  if (scope.keyRef) conditions.push(keyRefCondition(scope.keyRef, scope.namesPlatformKeys));
  if (scope.endUser) conditions.push(Prisma.sql`"endUser" = ${scope.endUser}`);
  if (scope.endpoint) conditions.push(Prisma.sql`"endpoint" = ${scope.endpoint}`);
  if (scope.tag) {
    conditions.push(
      source === 'raw'
        ? Prisma.sql`"tags" @> ARRAY[${scope.tag}]::text[]`
        : Prisma.sql`${scope.tag} = ANY(string_to_array(NULLIF("tags", ''), ','))`,
    );
  }
  // Enum columns: a text parameter needs a cast to compare with them (rollups keep them as text).
  const enumValue = (value: string, type: string) =>
    source === 'raw' ? Prisma.sql`${value}::${Prisma.raw(`"${type}"`)}` : Prisma.sql`${value}`;
  if (scope.keySource) conditions.push(Prisma.sql`"keySource" = ${enumValue(scope.keySource, 'KeySource')}`);
  if (scope.status) conditions.push(Prisma.sql`"status" = ${enumValue(scope.status, 'RequestStatus')}`);
  if (scope.failureClass) conditions.push(Prisma.sql`"failureClass" = ${enumValue(scope.failureClass, 'FailureClass')}`);
  return conditions;
}

/** The scope as a Prisma `where` for findMany over usage records. */
export function scopeToWhere(scope: UsageScope): Prisma.UsageRecordWhereInput {
  return {
    createdAt: { gte: scope.from, lt: scope.to },
    ...(scope.organizationIds ? { organizationId: { in: scope.organizationIds } } : {}),
    ...(scope.projectId ? { projectId: scope.projectId } : {}),
    ...(scope.gatewayKeyId ? { gatewayKeyId: scope.gatewayKeyId } : {}),
    ...(scope.provider ? { provider: scope.provider } : {}),
    // As sent, or pinned to any provider (the same model as MODEL groups count it).
    ...(scope.model ? { model: { in: [scope.model, ...PROVIDER_IDS.map((provider) => `${provider}/${scope.model}`)] } } : {}),
    ...(scope.tag ? { tags: { has: scope.tag } } : {}),
    ...(scope.endUser ? { endUser: scope.endUser } : {}),
    ...(scope.endpoint ? { endpoint: scope.endpoint } : {}),
    ...(scope.keyRef ? keyRefWhere(scope.keyRef, scope.namesPlatformKeys) : {}),
    ...(scope.keySource ? { keySource: scope.keySource } : {}),
    ...(scope.status ? { status: scope.status } : {}),
    ...(scope.failureClass ? { failureClass: scope.failureClass } : {}),
  };
}

const PLATFORM_SOURCES_SQL = Prisma.raw(PLATFORM_KEY_SOURCES_SQL);

/** For tenants, platform keys answer only to PLATFORM_KEY_REF, never to their env names. */
function keyRefCondition(keyRef: string, namesPlatformKeys: boolean): Prisma.Sql {
  if (namesPlatformKeys) return Prisma.sql`"keyRef" = ${keyRef}`;
  if (keyRef === PLATFORM_KEY_REF) return Prisma.sql`"keySource"::text IN (${PLATFORM_SOURCES_SQL})`;
  return Prisma.sql`"keyRef" = ${keyRef} AND coalesce("keySource"::text, '') NOT IN (${PLATFORM_SOURCES_SQL})`;
}

function keyRefWhere(keyRef: string, namesPlatformKeys: boolean): Prisma.UsageRecordWhereInput {
  if (namesPlatformKeys) return { keyRef };
  if (keyRef === PLATFORM_KEY_REF) return { AND: [{ keySource: { in: [...PLATFORM_KEY_SOURCES] } }] };
  return { keyRef, AND: [{ OR: [{ keySource: null }, { keySource: { notIn: [...PLATFORM_KEY_SOURCES] } }] }] };
}

function text(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value.length > 200) throw badInput(`${field} must be at most 200 characters`);
  return value;
}

function oneOf<T extends string>(field: string, value: T | null | undefined, allowed: readonly T[]): T | null {
  if (value === null || value === undefined) return null;
  if (!allowed.includes(value)) throw badInput(`${field} must be one of ${allowed.join(', ')}`);
  return value;
}
