import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: "An organization's own OpenAI-compatible endpoint; call its models as `slug/model`" })
export class CustomProvider {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  baseUrl!: string;

  @Field(() => [String])
  models!: string[];

  @Field(() => Date)
  createdAt!: Date;
}

@InputType()
export class SetCustomProviderInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String, { description: 'Lower-case id used in `slug/model`; not a built-in provider id' })
  @MaxLength(40)
  slug!: string;

  @Field(() => String)
  @MaxLength(120)
  name!: string;

  @Field(() => String, { description: 'OpenAI-style base URL, e.g. http://10.0.0.5:11434/v1' })
  @MaxLength(500)
  baseUrl!: string;

  @Field(() => [String])
  @ArrayMaxSize(200)
  models!: string[];
}
