import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { SetProviderKeyInput, SetProviderKeyStateInput } from './provider-key.input.js';
import { ProviderKey } from './provider-key.type.js';

@Resolver(() => ProviderKey)
export class ProviderKeyResolver {
  @Authorized()
  @Mutation(() => ProviderKey, {
    description: 'Create or replace the key for a provider (and region); a replaced key starts back in service',
  })
  setProviderKey(@Arg('input', () => SetProviderKeyInput) input: SetProviderKeyInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.providerKeys.set(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => ProviderKey, { description: 'Put a stored key back in service (clearing any cooldown) or take it out' })
  setProviderKeyState(@Arg('input', () => SetProviderKeyStateInput) input: SetProviderKeyStateInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.providerKeys.setEnabled(actorOf(ctx), input.id, input.enabled);
  }

  @Authorized()
  @Mutation(() => Boolean)
  deleteProviderKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.providerKeys.delete(actorOf(ctx), id);
  }
}
