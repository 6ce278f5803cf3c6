import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OrgRole } from '../common/enums.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { Invitation, Member } from '../members/member.type.js';
import { Project } from '../projects/project.type.js';
import { ProviderKey } from '../provider-keys/provider-key.type.js';
import { CreateOrganizationInput, UpdateOrganizationInput } from './organization.input.js';
import { Organization } from './organization.type.js';

@Resolver(() => Organization)
export class OrganizationResolver {
  @Authorized()
  @Query(() => [Organization], { description: 'Organizations you belong to (operators: all)' })
  organizations(@Ctx() ctx: GraphQLContext) {
    return ctx.services.organizations.list(actorOf(ctx));
  }

  @Authorized()
  @Query(() => Organization)
  organization(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.organizations.get(actorOf(ctx), id);
  }

  @Authorized()
  @Mutation(() => Organization, { description: 'Create an organization; you become its OWNER' })
  async createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: GraphQLContext) {
    const actor = actorOf(ctx);
    const organization = await ctx.services.organizations.create(actor, input);
    // The caller is now its OWNER: the reply's fields (viewerRole, creditLedger) must see that.
    ctx.actor = { ...actor, roles: new Map([...actor.roles, [organization.id, 'OWNER']]) };
    return organization;
  }

  @Authorized()
  @Mutation(() => Organization)
  updateOrganization(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.organizations.update(actorOf(ctx), id, input);
  }

  @FieldResolver(() => OrgRole, { nullable: true, description: 'Your role here (null for operators who are not members)' })
  viewerRole(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return actorOf(ctx).roles.get(organization.id) ?? null;
  }

  @FieldResolver(() => [Project])
  projects(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.projectsByOrganization.load(organization.id);
  }

  @FieldResolver(() => [Member])
  members(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.membersByOrganization.load(organization.id);
  }

  @FieldResolver(() => [Invitation], { description: 'Invitations not yet accepted, revoked or expired (links are never shown again)' })
  invitations(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.invitationsByOrganization.load(organization.id);
  }

  @FieldResolver(() => [ProviderKey], { description: 'Stored provider keys (BYOK), masks only' })
  providerKeys(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.providerKeysByOrganization.load(organization.id);
  }
}
