import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { GatewayKey } from '../gateway-keys/gateway-key.type.js';
import { Organization } from '../organizations/organization.type.js';
import { CreateProjectInput, UpdateProjectInput } from './project.input.js';
import { Project } from './project.type.js';

@Resolver(() => Project)
export class ProjectResolver {
  @Authorized()
  @Query(() => Project)
  project(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.projects.get(actorOf(ctx), id);
  }

  @Authorized()
  @Mutation(() => Project)
  createProject(@Arg('input', () => CreateProjectInput) input: CreateProjectInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.projects.create(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Project, { description: 'Rename, switch mode, or change key preference' })
  updateProject(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProjectInput) input: UpdateProjectInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.projects.update(actorOf(ctx), id, input);
  }

  @FieldResolver(() => Organization)
  organization(@Root() project: Project, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.organizationById.load(project.organizationId);
  }

  @FieldResolver(() => [GatewayKey])
  gatewayKeys(@Root() project: Project, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.gatewayKeysByProject.load(project.id);
  }
}
