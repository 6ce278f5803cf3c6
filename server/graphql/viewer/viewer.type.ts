import { Field, ID, ObjectType } from 'type-graphql';
import { OrgRole } from '../common/enums.js';

@ObjectType()
export class ViewerMembership {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => OrgRole)
  role!: OrgRole;
}

@ObjectType()
export class Viewer {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Boolean, { description: 'Platform operator: every organization, flags, hosted pool' })
  isOperator!: boolean;

  @Field(() => [ViewerMembership])
  memberships!: ViewerMembership[];
}
