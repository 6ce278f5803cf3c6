import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATOR } from '../auth-checker.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { LimiterSetting, ProviderSetting, SetProviderLimiterInput } from './provider-setting.type.js';

@Resolver(() => ProviderSetting)
export class ProviderSettingResolver {
  @Authorized(OPERATOR)
  @Query(() => [ProviderSetting])
  providerSettings(@Ctx() ctx: GraphQLContext) {
    return ctx.services.hostedPool.settings(actorOf(ctx));
  }

  @Authorized(OPERATOR)
  @Query(() => LimiterSetting, {
    description: 'The limiter defaults the gateway applies; the dashboard shows these rather than its own copy',
  })
  defaultLimiterSetting(@Ctx() ctx: GraphQLContext) {
    return ctx.services.providerSettings.defaults(actorOf(ctx));
  }

  @Authorized(OPERATOR)
  @Mutation(() => ProviderSetting)
  setProviderLimiter(@Arg('input', () => SetProviderLimiterInput) input: SetProviderLimiterInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.providerSettings.setLimiter(actorOf(ctx), input);
  }
}
