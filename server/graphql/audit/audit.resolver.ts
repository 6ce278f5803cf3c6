import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { toConnection } from '../common/page-info.type.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { AuditEntry, AuditEntryConnection } from './audit-entry.type.js';

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized()
  @Query(() => AuditEntryConnection, { description: "An organization's audit log (ADMIN+); without one, the platform's (operators)" })
  async auditLog(
    @Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('actorId', () => ID, { nullable: true, description: "Only this user's changes (AuditEntry.actorId)" }) actorId: string | null,
    @Arg('action', () => String, {
      nullable: true,
      description: 'Only this action (provider-key.set), or every action of a kind when it ends in a dot (provider-key.)',
    })
    action: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return toConnection(await ctx.services.audit.list(actorOf(ctx), organizationId, first, after, { actorId, action }));
  }
}
