import { IsEmail, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { OrgRole } from '../common/enums.js';

@InputType()
export class AddMemberInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @Field(() => OrgRole)
  role!: OrgRole;

  @Field(() => String, { nullable: true, description: 'Password for a user this call creates (8+ characters)' })
  @MaxLength(200)
  password?: string | null;
}
