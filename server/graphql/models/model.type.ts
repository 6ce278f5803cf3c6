import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../common/scalars.js';

@ObjectType({ description: 'USD per 1M tokens: the published price, or a global operator override in effect' })
export class ModelPrice {
  @Field(() => Float)
  input!: number;

  @Field(() => Float, { nullable: true, description: 'Input tokens served from the prompt cache; null if the provider has no cache price' })
  cachedInput!: number | null;

  @Field(() => Float, { nullable: true, description: 'Prompt-cache writes (5-minute); null when billed as input' })
  cacheWrite!: number | null;

  @Field(() => Float, { nullable: true, description: 'Prompt-cache writes kept 1 hour; null when the provider has none' })
  cacheWrite1h!: number | null;

  @Field(() => Float)
  output!: number;

  @Field(() => String, { nullable: true, description: 'Long-context tiers in words (rates over a prompt size); null when none' })
  tiers!: string | null;

  @Field(() => String, { description: 'ISO date the price was read, or the override took effect' })
  readOn!: string;

  @Field(() => String, { description: 'The data package and version, "overlay <date>", or "override"' })
  source!: string;
}

@ObjectType({ description: "An operator's price for one provider's model, global or one organization's negotiated rate" })
export class ModelPriceOverride {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: "The provider's own model name" })
  model!: string;

  @Field(() => ID, { nullable: true, description: 'Null: applies to every organization without its own' })
  organizationId!: string | null;

  @Field(() => DecimalScalar)
  inputUsdPerMtok!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Null: the published rate for this kind of token applies' })
  cachedInputUsdPerMtok!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  cacheWriteUsdPerMtok!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  cacheWrite1hUsdPerMtok!: string | null;

  @Field(() => DecimalScalar)
  outputUsdPerMtok!: string;

  @Field(() => Date, { description: 'From this moment the override applies (until a later one, or deletion)' })
  effectiveFrom!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'A model name that routes to an ordered list of models, tried in order' })
export class ModelAlias {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ID, { nullable: true, description: "Null: global; else that organization's own (it wins over a global one)" })
  organizationId!: string | null;

  @Field(() => [String], { description: '`provider/model` or model names, in the order to try them' })
  targets!: string[];

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ description: "An organization's model lists; an entry is a model, provider/model, or a prefix ending in *" })
export class OrganizationModelAccess {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => [String], { description: 'Empty: every model may be served' })
  allowedModels!: string[];

  @Field(() => [String], { description: 'Always wins over allowedModels' })
  deniedModels!: string[];
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

  @Field(() => [ModelPriceOverride], {
    description: "Operators' overrides in effect or taking effect later: global ones, and your organizations' own",
  })
  overrides!: ModelPriceOverride[];
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
