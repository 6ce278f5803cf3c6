import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATOR } from '../auth-checker.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { ClearFeatureFlagOverrideInput, FeatureFlag, SetFeatureFlagInput } from './feature-flag.type.js';

@Resolver(() => FeatureFlag)
export class FeatureFlagResolver {
  @Authorized(OPERATOR)
  @Query(() => [FeatureFlag])
  featureFlags(@Ctx() ctx: GraphQLContext) {
    return ctx.services.flags.list(actorOf(ctx));
  }

  @Authorized(OPERATOR)
  @Mutation(() => FeatureFlag, { description: 'Globally, or for one organization or project' })
  setFeatureFlag(@Arg('input', () => SetFeatureFlagInput) input: SetFeatureFlagInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.flags.set(actorOf(ctx), input);
  }

  @Authorized(OPERATOR)
  @Mutation(() => FeatureFlag, { description: 'Remove an organization or project override, so it inherits again' })
  clearFeatureFlagOverride(
    @Arg('input', () => ClearFeatureFlagOverrideInput) input: ClearFeatureFlagOverrideInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.flags.clearOverride(actorOf(ctx), input);
  }
}
