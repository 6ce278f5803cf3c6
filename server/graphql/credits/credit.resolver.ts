import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { OPERATOR } from '../auth-checker.js';
import { toConnection } from '../common/page-info.type.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { Organization } from '../organizations/organization.type.js';
import { AddCreditsInput, AddCreditsResult, CreditLedgerConnection } from './credit.type.js';

@Resolver(() => Organization)
export class CreditResolver {
  @Authorized(OPERATOR)
  @Mutation(() => AddCreditsResult)
  addCredits(@Arg('input', () => AddCreditsInput) input: AddCreditsInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.credits.add(actorOf(ctx), input);
  }

  @FieldResolver(() => CreditLedgerConnection, { description: 'Credit ledger, newest first' })
  async creditLedger(
    @Root() organization: Organization,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return toConnection(await ctx.services.credits.ledger(actorOf(ctx), organization.id, first, after));
  }
}
