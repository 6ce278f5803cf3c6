import { MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class SetProviderKeyInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  @MaxLength(40)
  provider!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(40)
  region?: string | null;

  @Field(() => String, { description: 'The provider key; stored encrypted, never shown again' })
  @MaxLength(512)
  key!: string;
}

@InputType()
export class SetProviderKeyStateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, { description: 'true: back in service, cooldown cleared; false: taken out until re-enabled' })
  enabled!: boolean;
}
