import { Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { AccessToken } from '../access-tokens/access-token.type.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { Viewer } from './viewer.type.js';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Authorized()
  @Query(() => Viewer, { description: 'Who you are signed in as' })
  viewer(@Ctx() ctx: GraphQLContext): Viewer {
    const actor = actorOf(ctx);
    return {
      id: actor.userId,
      email: actor.email,
      isOperator: actor.isOperator,
      memberships: [...actor.roles].map(([organizationId, role]) => ({ organizationId, role })),
    };
  }

  @FieldResolver(() => [AccessToken], { description: 'Your access tokens (prefixes only)' })
  accessTokens(@Ctx() ctx: GraphQLContext) {
    return ctx.services.auth.listAccessTokens(actorOf(ctx));
  }
}
