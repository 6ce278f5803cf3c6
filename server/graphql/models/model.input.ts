import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DecimalScalar } from '../common/scalars.js';

@InputType({ description: 'USD per 1M tokens as decimal text; a null cache rate keeps the published one' })
export class SetModelPriceInput {
  @Field(() => String)
  @MaxLength(48)
  provider!: string;

  @Field(() => String, { description: "The provider's own model name (gpt-4o-mini, not openai/gpt-4o-mini)" })
  @MaxLength(200)
  model!: string;

  @Field(() => ID, { nullable: true, description: "Omit for a global price; else that organization's negotiated rate" })
  organizationId?: string | null;

  @Field(() => DecimalScalar)
  inputUsdPerMtok!: string;

  @Field(() => DecimalScalar, { nullable: true })
  cachedInputUsdPerMtok?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  cacheWriteUsdPerMtok?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  cacheWrite1hUsdPerMtok?: string | null;

  @Field(() => DecimalScalar)
  outputUsdPerMtok!: string;

  @Field(() => Date, { nullable: true, description: 'Default now; may be in the future. Past bills never change.' })
  effectiveFrom?: Date | null;

  @Field(() => String, { nullable: true })
  @MaxLength(500)
  note?: string | null;
}

@InputType()
export class SetModelAliasInput {
  @Field(() => String)
  @MaxLength(100)
  name!: string;

  @Field(() => [String], { description: '1 to 10 models (`provider/model` or a model name), tried in order' })
  @ArrayMaxSize(10)
  targets!: string[];

  @Field(() => ID, { nullable: true, description: "Omit for a global alias; else that organization's own" })
  organizationId?: string | null;
}

@InputType()
export class SetOrganizationModelAccessInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => [String], { description: 'Empty: every model may be served' })
  @ArrayMaxSize(500)
  allowedModels!: string[];

  @Field(() => [String])
  @ArrayMaxSize(500)
  deniedModels!: string[];
}
