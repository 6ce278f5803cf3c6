import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { CreateGatewayKeyInput } from './gateway-key.input.js';
import { CreatedGatewayKey, GatewayKey } from './gateway-key.type.js';

@Resolver(() => GatewayKey)
export class GatewayKeyResolver {
  @Authorized()
  @Mutation(() => CreatedGatewayKey, { description: 'The reply holds the secret, once' })
  createGatewayKey(@Arg('input', () => CreateGatewayKeyInput) input: CreateGatewayKeyInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.gatewayKeys.create(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => GatewayKey)
  revokeGatewayKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.gatewayKeys.revoke(actorOf(ctx), id);
  }
}
