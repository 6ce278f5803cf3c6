import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { RequestLog } from './request-log.type.js';

/** Names beside a request's ids, batched per GraphQL request (a page of logs costs one query per kind). */
@Resolver(() => RequestLog)
export class RequestLogResolver {
  @FieldResolver(() => String, { nullable: true })
  async organizationName(@Root() log: RequestLog, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    return (await ctx.loaders.organizationById.load(log.organizationId))?.name ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  projectName(@Root() log: RequestLog, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.projectNameById.load(log.projectId);
  }

  @FieldResolver(() => String, { nullable: true })
  gatewayKeyName(@Root() log: RequestLog, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.gatewayKeyNameById.load(log.gatewayKeyId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'keyRef made readable: "openai sk-…a1b2" for a stored key, the env name of a hosted/env key ("platform key" to non-operators)',
  })
  keyLabel(@Root() log: RequestLog, @Ctx() ctx: GraphQLContext) {
    return log.keyRef ? ctx.loaders.keyLabelByRef.load(log.keyRef) : null;
  }
}
