import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { AccessToken, CreateAccessTokenInput, CreatedAccessToken } from './access-token.type.js';

@Resolver(() => AccessToken)
export class AccessTokenResolver {
  @Authorized()
  @Mutation(() => CreatedAccessToken, {
    description:
      'A token acting as you; the secret is shown once. Called with an access token that expires, the new token expires no later: without expiresAt it takes that expiry, and a later expiresAt is refused (BAD_USER_INPUT)',
  })
  createAccessToken(@Arg('input', () => CreateAccessTokenInput) input: CreateAccessTokenInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.auth.createAccessToken(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => AccessToken)
  revokeAccessToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.auth.revokeAccessToken(actorOf(ctx), id);
  }
}
