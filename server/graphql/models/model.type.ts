import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'USD per 1M tokens, as published by the provider' })
export class ModelPrice {
  @Field(() => Float)
  input!: number;

  @Field(() => Float, { nullable: true, description: 'Input tokens served from the prompt cache; null if the provider has no cache price' })
  cachedInput!: number | null;

  @Field(() => Float)
  output!: number;

  @Field(() => String, { description: 'ISO date the price was read' })
  readOn!: string;

  @Field(() => String, { description: 'Where the price came from' })
  source!: string;
}

@ObjectType({ description: 'One provider serving a model' })
export class ModelOffer {
  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: "The provider's own name for the model" })
  providerModel!: string;

  @Field(() => ModelPrice, { nullable: true, description: 'Null when unpriced: calls are recorded with costKnown = false' })
  price!: ModelPrice | null;

  @Field(() => Int, { nullable: true })
  contextWindow!: number | null;

  @Field(() => Int, { nullable: true })
  maxOutputTokens!: number | null;
}

@ObjectType()
export class Model {
  @Field(() => String, { description: 'Use as `model` (any provider) or `provider/model` (that one)' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [ModelOffer])
  offers!: ModelOffer[];
}
