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
