import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { Organization } from '../organizations/organization.type.js';
import { CustomProvider, SetCustomProviderInput } from './custom-provider.type.js';

@Resolver(() => Organization)
export class CustomProviderResolver {
  @FieldResolver(() => [CustomProvider], { description: 'Its own OpenAI-compatible endpoints' })
  customProviders(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.customProvidersByOrganization.load(organization.id);
  }

  @Authorized()
  @Mutation(() => CustomProvider, { description: 'Create or replace (by slug) a custom OpenAI-compatible provider' })
  setCustomProvider(@Arg('input', () => SetCustomProviderInput) input: SetCustomProviderInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customProviders.set(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Boolean)
  deleteCustomProvider(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customProviders.delete(actorOf(ctx), id);
  }
}
