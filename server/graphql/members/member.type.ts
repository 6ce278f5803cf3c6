import { Field, ID, ObjectType } from 'type-graphql';
import { OrgRole } from '../common/enums.js';

@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType()
export class Member {
  @Field(() => ID, { description: 'The membership id' })
  id!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => User)
  user!: User;

  @Field(() => OrgRole)
  role!: OrgRole;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'A pending offer to join an organization; the person joins only by accepting it' })
export class Invitation {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => OrgRole)
  role!: OrgRole;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType({ description: 'An invitation with its link, shown once: in the reply that created it' })
export class IssuedInvitation extends Invitation {
  @Field(() => String, { description: 'Single-use link to send to the invited person' })
  url!: string;
}

@ObjectType()
export class AddMemberPayload {
  @Field(() => Member, { nullable: true, description: 'Set when the person was already a member: their new role' })
  member!: Member | null;

  @Field(() => IssuedInvitation, { nullable: true, description: 'Set when the person is not a member yet' })
  invitation!: IssuedInvitation | null;
}
