import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATOR } from '../auth-checker.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { HostedKey, HostedProviderPool } from './hosted-key.type.js';

@Resolver(() => HostedKey)
export class HostedPoolResolver {
  @Authorized(OPERATOR)
  @Query(() => [HostedProviderPool], { description: "The platform's hosted keys per provider: state and recent traffic" })
  hostedKeyPool(@Ctx() ctx: GraphQLContext) {
    return ctx.services.hostedPool.pool(actorOf(ctx));
  }

  @Authorized(OPERATOR)
  @Mutation(() => HostedKey, { description: 'Re-enable a hosted key (clearing any cooldown) or take it out of rotation' })
  setHostedKeyState(@Arg('name', () => String) name: string, @Arg('enabled', () => Boolean) enabled: boolean, @Ctx() ctx: GraphQLContext) {
    return ctx.services.hostedPool.setEnabled(actorOf(ctx), name, enabled);
  }
}
