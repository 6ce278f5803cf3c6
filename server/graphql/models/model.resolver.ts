import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { Model } from './model.type.js';

@Resolver(() => Model)
export class ModelResolver {
  @Authorized()
  @Query(() => [Model], { description: 'The model catalog: models, the providers serving them, prices' })
  models(@Ctx() ctx: GraphQLContext) {
    return ctx.services.models.list();
  }
}
