import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: "An organization's own provider key (BYOK). The key itself is never returned." })
export class ProviderKey {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: 'Empty when the key is not region-specific' })
  region!: string;

  @Field(() => String, { description: 'Like sk-…a1b2' })
  mask!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}
