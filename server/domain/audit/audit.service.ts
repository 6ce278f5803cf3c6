import type { PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../db/generated/client.js';
import type { Actor } from '../actor.js';
import { requireOperator, requireOrgRole } from '../actor.js';
import { badInput } from '../errors.js';
import { afterCursor, NEWEST_FIRST, type Page, pageSize, toPage } from '../pagination.js';

type Tx = Prisma.TransactionClient | PrismaClient;

export interface AuditEvent {
  organizationId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  /** What changed. Callers pass names and masks, never secrets. */
  details?: Prisma.InputJsonValue;
}

export class AuditService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Write inside the caller's transaction, so the change and its entry land together. */
  async record(tx: Tx, actor: Actor | null, event: AuditEvent): Promise<void> {
    await tx.auditEntry.create({
      data: {
        organizationId: event.organizationId,
        actorUserId: actor?.userId ?? null,
        actorLabel: actor?.label ?? 'system',
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId ?? null,
        ...(event.details === undefined ? {} : { details: event.details }),
      },
    });
  }

  /**
   * Newest first. Without an organization: the platform-wide log (operators only). `filter`
   * narrows to one actor (a user id) and to an action: exact (`provider-key.set`) or, ending in
   * a dot, every action of that kind (`provider-key.`).
   */
  async list(
    actor: Actor,
    organizationId: string | null,
    first?: number | null,
    after?: string | null,
    filter: AuditFilter = {},
  ): Promise<Page<AuditEntryRow>> {
    if (organizationId) requireOrgRole(actor, organizationId, 'ADMIN');
    else requireOperator(actor);
    const take = pageSize(first);
    const action = filter.action?.trim();
    if (action && action.length > 100) throw badInput('action must be at most 100 characters');
    const rows = await this.prisma.auditEntry.findMany({
      where: {
        ...(organizationId ? { organizationId } : {}),
        ...(filter.actorId ? { actorUserId: filter.actorId } : {}),
        ...(action ? { action: action.endsWith('.') ? { startsWith: action } : action } : {}),
        ...afterCursor(after),
      },
      orderBy: [...NEWEST_FIRST],
      take: take + 1,
    });
    return toPage(rows, take);
  }
}

export interface AuditFilter {
  actorId?: string | null;
  action?: string | null;
}

export type AuditEntryRow = Prisma.AuditEntryGetPayload<object>;
