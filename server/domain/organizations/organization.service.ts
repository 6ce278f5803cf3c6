import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../db/database.js';
import type { Organization } from '../../db/generated/client.js';
import { type Actor, requireOperator, requireOrgRole } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, isUniqueViolation, notFound } from '../errors.js';
import { parseDecimal } from '../money.js';
import { cleanText, slugify } from '../text.js';

export interface CreateOrganizationInput {
  name: string;
  slug?: string | null;
}

export interface UpdateOrganizationInput {
  name?: string | null;
  /** Operators only: billing policy. Empty string clears the override. */
  hostedCostMultiplier?: string | null;
  byokFeeRate?: string | null;
  /** Where credits.low fires; empty string clears it. */
  creditsLowThresholdUsd?: string | null;
}

export class OrganizationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

  /** Operators see every organization; everyone else their own. */
  async list(actor: Actor): Promise<Organization[]> {
    return this.prisma.organization.findMany({
      where: actor.isOperator ? {} : { id: { in: [...actor.roles.keys()] } },
      orderBy: { name: 'asc' },
    });
  }

  /** For batch loading; callers have already authorized the organizations. */
  async byIds(ids: readonly string[]): Promise<Organization[]> {
    return this.prisma.organization.findMany({ where: { id: { in: [...ids] } } });
  }

  async get(actor: Actor, id: string): Promise<Organization> {
    requireOrgRole(actor, id, 'MEMBER');
    const organization = await this.prisma.organization.findUnique({ where: { id } });
    if (!organization) throw notFound('Organization');
    return organization;
  }

  /** Any signed-in user may create an organization and becomes its OWNER. */
  async create(actor: Actor, input: CreateOrganizationInput): Promise<Organization> {
    const name = cleanText('name', input.name);
    const slug = input.slug ? cleanText('slug', input.slug, 48) : slugify(name);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) throw badInput('slug must be lower-case letters, digits and single dashes');
    try {
      return await this.prisma.$transaction(async (tx) => {
        const taken = await tx.organization.findUnique({ where: { slug }, select: { id: true } });
        // An explicit slug must be free; a derived one gets a suffix instead of an error.
        if (taken && input.slug) throw badInput(`The slug "${slug}" is taken`);
        const finalSlug = taken ? `${slug}-${randomBytes(3).toString('hex')}` : slug;
        const organization = await tx.organization.create({
          data: { name, slug: finalSlug, memberships: { create: { userId: actor.userId, role: 'OWNER' } } },
        });
        await this.audit.record(tx, actor, {
          organizationId: organization.id,
          action: 'organization.create',
          targetType: 'Organization',
          targetId: organization.id,
          details: { name, slug: finalSlug },
        });
        return organization;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput(`The slug "${slug}" is taken`);
      throw error;
    }
  }

  async update(actor: Actor, id: string, input: UpdateOrganizationInput): Promise<Organization> {
    requireOrgRole(actor, id, 'ADMIN');
    const touchesBilling = input.hostedCostMultiplier != null || input.byokFeeRate != null;
    if (touchesBilling) requireOperator(actor);
    const data: { name?: string; hostedCostMultiplier?: string | null; byokFeeRate?: string; creditsLowThresholdUsd?: string | null } = {};
    if (input.name != null) data.name = cleanText('name', input.name);
    if (input.hostedCostMultiplier != null) {
      data.hostedCostMultiplier =
        input.hostedCostMultiplier.trim() === ''
          ? null
          : parseDecimal('hostedCostMultiplier', input.hostedCostMultiplier, { max: 100, allowZero: true });
    }
    if (input.byokFeeRate != null) data.byokFeeRate = parseDecimal('byokFeeRate', input.byokFeeRate, { max: 10, allowZero: true });
    if (input.creditsLowThresholdUsd != null) {
      data.creditsLowThresholdUsd =
        input.creditsLowThresholdUsd.trim() === '' ? null : parseDecimal('creditsLowThresholdUsd', input.creditsLowThresholdUsd);
    }
    if (Object.keys(data).length === 0) throw badInput('Nothing to update');
    return this.prisma.$transaction(async (tx) => {
      const exists = await tx.organization.findUnique({ where: { id }, select: { id: true } });
      if (!exists) throw notFound('Organization');
      const organization = await tx.organization.update({ where: { id }, data });
      await this.audit.record(tx, actor, {
        organizationId: id,
        action: 'organization.update',
        targetType: 'Organization',
        targetId: id,
        details: data,
      });
      return organization;
    });
  }
}
