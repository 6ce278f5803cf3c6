import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { Statement } from './statement.type.js';

@Resolver(() => Statement)
export class StatementResolver {
  @Authorized()
  @Query(() => Statement, {
    description: "An organization's monthly statement (UTC month YYYY-MM), equal to its credit ledger; members and up, and operators",
  })
  async statement(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('month', () => String) month: string,
    @Ctx() ctx: GraphQLContext,
  ) {
    const statement = await ctx.services.statements.statement(actorOf(ctx), organizationId, month);
    return { ...statement, csvPath: `/statements/${encodeURIComponent(statement.organizationId)}/${statement.month}.csv` };
  }
}
