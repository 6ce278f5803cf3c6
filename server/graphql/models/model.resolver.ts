import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATOR } from '../auth-checker.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { SetModelAliasInput, SetModelPriceInput, SetOrganizationModelAccessInput } from './model.input.js';
import { Model, ModelAlias, ModelPriceOverride, OrganizationModelAccess } from './model.type.js';

@Resolver(() => Model)
export class ModelResolver {
  @Authorized()
  @Query(() => [Model], { description: 'The model catalog: models, the providers serving them, prices and their source' })
  models(@Ctx() ctx: GraphQLContext) {
    return ctx.services.models.list(actorOf(ctx));
  }

  @Authorized()
  @Query(() => [ModelPriceOverride], { description: "Price overrides not deleted: global ones and your organizations' own" })
  modelPriceOverrides(@Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.catalog.listPriceOverrides(actorOf(ctx), organizationId);
  }

  @Authorized()
  @Query(() => [ModelAlias], { description: "Aliases: global ones and your organizations' own" })
  modelAliases(@Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.catalog.listAliases(actorOf(ctx), organizationId);
  }

  @Authorized(OPERATOR)
  @Mutation(() => ModelPriceOverride, { description: "Set the price of a provider's model, globally or for one organization, from a date" })
  setModelPrice(@Arg('input', () => SetModelPriceInput) input: SetModelPriceInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.catalog.setPrice(actorOf(ctx), input);
  }

  @Authorized(OPERATOR)
  @Mutation(() => ModelPriceOverride, { description: 'Stop applying a price override from now on; past bills keep it' })
  deleteModelPrice(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.catalog.deletePrice(actorOf(ctx), id);
  }

  @Authorized(OPERATOR)
  @Mutation(() => ModelAlias, { description: 'Create or replace an alias, globally or for one organization' })
  setModelAlias(@Arg('input', () => SetModelAliasInput) input: SetModelAliasInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.catalog.setAlias(actorOf(ctx), input);
  }

  @Authorized(OPERATOR)
  @Mutation(() => ModelAlias)
  deleteModelAlias(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.catalog.deleteAlias(actorOf(ctx), id);
  }

  @Authorized(OPERATOR)
  @Mutation(() => OrganizationModelAccess, { description: "Replace an organization's model allow and deny lists" })
  setOrganizationModelAccess(
    @Arg('input', () => SetOrganizationModelAccessInput) input: SetOrganizationModelAccessInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.catalog.setModelAccess(actorOf(ctx), input);
  }
}
