import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { Project } from '../projects/project.type.js';
import { AttributionBudget, SetAttributionBudgetInput } from './attribution-budget.type.js';

@Resolver(() => Project)
export class AttributionBudgetResolver {
  @FieldResolver(() => [AttributionBudget], { description: 'Budgets per tag and per end user, with their spend this period' })
  attributionBudgets(@Root() project: Project, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.attributionBudgetsByProject.load(project.id);
  }

  @Authorized()
  @Mutation(() => AttributionBudget, { description: 'Create or change (by project, scope and value) a tag or end-user budget (ADMIN+)' })
  setAttributionBudget(@Arg('input', () => SetAttributionBudgetInput) input: SetAttributionBudgetInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.attributionBudgets.set(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Boolean)
  deleteAttributionBudget(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.attributionBudgets.delete(actorOf(ctx), id);
  }
}
