import type { PrismaClient } from '../../db/database.js';
import type { Project, ProjectMode } from '../../db/generated/client.js';
import { type Actor, requireOrgRole, requireTenantRow } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, isUniqueViolation, notFound } from '../errors.js';
import { cleanText } from '../text.js';

export interface CreateProjectInput {
  organizationId: string;
  name: string;
  mode?: ProjectMode | null;
  preferStoredKeys?: boolean | null;
}

export interface UpdateProjectInput {
  name?: string | null;
  mode?: ProjectMode | null;
  preferStoredKeys?: boolean | null;
}

export class ProjectService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

  /** For batch loading; callers have already authorized the organizations. */
  async listForOrganizations(organizationIds: readonly string[]): Promise<Project[]> {
    return this.prisma.project.findMany({ where: { organizationId: { in: [...organizationIds] } }, orderBy: { name: 'asc' } });
  }

  async get(actor: Actor, id: string): Promise<Project> {
    const project = await this.prisma.project.findUnique({ where: { id } });
    return requireTenantRow(actor, project, project?.organizationId, 'Project');
  }

  async create(actor: Actor, input: CreateProjectInput): Promise<Project> {
    requireOrgRole(actor, input.organizationId, 'ADMIN');
    const name = cleanText('name', input.name);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const organization = await tx.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
        if (!organization) throw notFound('Organization');
        const project = await tx.project.create({
          data: {
            organizationId: input.organizationId,
            name,
            mode: input.mode ?? 'API_KEYS',
            preferStoredKeys: input.preferStoredKeys ?? false,
          },
        });
        await this.audit.record(tx, actor, {
          organizationId: project.organizationId,
          action: 'project.create',
          targetType: 'Project',
          targetId: project.id,
          details: { name, mode: project.mode, preferStoredKeys: project.preferStoredKeys },
        });
        return project;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput(`A project named "${name}" already exists in this organization`);
      throw error;
    }
  }

  async update(actor: Actor, id: string, input: UpdateProjectInput): Promise<Project> {
    const current = await this.get(actor, id);
    requireOrgRole(actor, current.organizationId, 'ADMIN');
    const data: { name?: string; mode?: ProjectMode; preferStoredKeys?: boolean } = {};
    if (input.name != null) data.name = cleanText('name', input.name);
    if (input.mode != null) data.mode = input.mode;
    if (input.preferStoredKeys != null) data.preferStoredKeys = input.preferStoredKeys;
    if (Object.keys(data).length === 0) throw badInput('Nothing to update');
    try {
      return await this.prisma.$transaction(async (tx) => {
        const project = await tx.project.update({ where: { id }, data });
        await this.audit.record(tx, actor, {
          organizationId: project.organizationId,
          action: data.mode && data.mode !== current.mode ? 'project.change-mode' : 'project.update',
          targetType: 'Project',
          targetId: id,
          details: { before: pick(current, Object.keys(data)), after: data },
        });
        return project;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badInput(`A project named "${data.name}" already exists in this organization`);
      throw error;
    }
  }
}

function pick(project: Project, keys: string[]): Record<string, string | boolean> {
  const source = project as unknown as Record<string, string | boolean>;
  return Object.fromEntries(keys.map((key) => [key, source[key] as string | boolean]));
}
