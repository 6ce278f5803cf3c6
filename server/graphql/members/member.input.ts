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

  @Field(() => String, {
    nullable: true,
    deprecationReason: 'Refused: addMember sends an invitation and the invited person chooses their own password',
  })
  @MaxLength(200)
  password?: string | null;
}
