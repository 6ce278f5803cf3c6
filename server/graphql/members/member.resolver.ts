import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { AddMemberInput } from './member.input.js';
import { AddMemberPayload, Invitation, IssuedInvitation, Member } from './member.type.js';

@Resolver(() => Member)
export class MemberResolver {
  @Authorized()
  @Mutation(() => AddMemberPayload, { description: 'Invite someone (they join by accepting the link), or change a member’s role' })
  addMember(@Arg('input', () => AddMemberInput) input: AddMemberInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.members.add(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Boolean)
  removeMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.members.remove(actorOf(ctx), organizationId, userId);
  }

  @Authorized()
  @Mutation(() => Invitation, { description: 'Its link stops working' })
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.invitations.revoke(actorOf(ctx), id);
  }

  @Authorized()
  @Mutation(() => IssuedInvitation, { description: 'A new link with a fresh expiry; the previous link stops working' })
  resendInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.invitations.resend(actorOf(ctx), id);
  }
}
