import type { PrismaClient } from '../../db/database.js';
import type { CreditLedgerEntry, Organization } from '../../db/generated/client.js';
import { type Actor, requireOperator, requireOrgRole } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { notFound } from '../errors.js';
import { parseDecimal } from '../money.js';
import { afterCursor, NEWEST_FIRST, type Page, pageSize, toPage } from '../pagination.js';
import { cleanText } from '../text.js';

export interface AddCreditsInput {
  organizationId: string;
  amountUsd: string;
  note?: string | null;
}

/**
 * Credit balances. The ledger is the record; Organization.creditBalance is kept in the same
 * transaction so a spend can be reserved with one conditional UPDATE.
 */
export class CreditService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

  /** Operators grant credits (a purchase, a trial, a correction). */
  async add(actor: Actor, input: AddCreditsInput): Promise<{ organization: Organization; entry: CreditLedgerEntry }> {
    requireOperator(actor);
    const amountUsd = parseDecimal('amountUsd', input.amountUsd, { max: 10_000_000 });
    const note = input.note ? cleanText('note', input.note, 500) : '';
    return this.prisma.$transaction(async (tx) => {
      const exists = await tx.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
      if (!exists) throw notFound('Organization');
      const organization = await tx.organization.update({
        where: { id: input.organizationId },
        data: { creditBalance: { increment: amountUsd } },
      });
      const entry = await tx.creditLedgerEntry.create({
        data: {
          organizationId: input.organizationId,
          kind: 'GRANT',
          amountUsd,
          balanceAfter: organization.creditBalance,
          note,
          createdById: actor.userId,
        },
      });
      await this.audit.record(tx, actor, {
        organizationId: input.organizationId,
        action: 'credits.add',
        targetType: 'Organization',
        targetId: input.organizationId,
        details: { amountUsd, note, balanceAfter: organization.creditBalance.toString() },
      });
      return { organization, entry };
    });
  }

  async ledger(actor: Actor, organizationId: string, first?: number | null, after?: string | null): Promise<Page<CreditLedgerEntry>> {
    requireOrgRole(actor, organizationId, 'MEMBER');
    const take = pageSize(first);
    const rows = await this.prisma.creditLedgerEntry.findMany({
      where: {
        organizationId,
        ...afterCursor(after),
      },
      orderBy: [...NEWEST_FIRST],
      take: take + 1,
    });
    return toPage(rows, take);
  }
}
