import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { AddMemberInput } from './member.input.js';
import { Member } from './member.type.js';

@Resolver(() => Member)
export class MemberResolver {
  @Authorized()
  @Mutation(() => Member, { description: 'Add a user (created if new) or change their role' })
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
}
