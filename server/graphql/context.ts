import DataLoader from 'dataloader';
import type { Actor } from '../domain/actor.js';
import { unauthenticated } from '../domain/errors.js';
import type { Services } from '../domain/services.js';

/** Per-request batch loaders, so nested lists cost one query per level, not one per parent. */
export function createLoaders(services: Services) {
  const groupBy = <T>(rows: T[], keys: readonly string[], keyOf: (row: T) => string): T[][] => {
    const byKey = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key) ?? []);
  };
  return {
    organizationById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await services.organizations.byIds(ids);
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    projectsByOrganization: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.projects.listForOrganizations(ids), ids, (row) => row.organizationId),
    ),
    membersByOrganization: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.members.listForOrganizations(ids), ids, (row) => row.organizationId),
    ),
    invitationsByOrganization: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.invitations.listPending(ids), ids, (row) => row.organizationId),
    ),
    providerKeysByOrganization: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.providerKeys.listForOrganizations(ids), ids, (row) => row.organizationId),
    ),
    customProvidersByOrganization: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.customProviders.listForOrganizations(ids), ids, (row) => row.organizationId),
    ),
    gatewayKeysByProject: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.gatewayKeys.listForProjects(ids), ids, (row) => row.projectId),
    ),
    attributionBudgetsByProject: new DataLoader(async (ids: readonly string[]) =>
      groupBy(await services.attributionBudgets.listForProjects(ids), ids, (row) => row.projectId),
    ),
    projectNameById: new DataLoader(async (ids: readonly string[]) => {
      const names = await services.usage.projectNames(ids);
      return ids.map((id) => names.get(id) ?? null);
    }),
    gatewayKeyNameById: new DataLoader(async (ids: readonly string[]) => {
      const names = await services.usage.gatewayKeyNames(ids);
      return ids.map((id) => names.get(id) ?? null);
    }),
    keyLabelByRef: new DataLoader(async (refs: readonly string[]) => {
      const labels = await services.usage.keyLabels(refs);
      return refs.map((ref) => labels.get(ref) ?? ref);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface GraphQLContext {
  actor: Actor | null;
  services: Services;
  loaders: Loaders;
  requestId: string;
}

/** The signed-in actor; resolvers behind @Authorized always have one. */
export function actorOf(context: GraphQLContext): Actor {
  if (!context.actor) throw unauthenticated();
  return context.actor;
}
