import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { BudgetPeriod } from '../common/enums.js';
import { DecimalScalar } from '../common/scalars.js';

@InputType()
export class CreateGatewayKeyInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => String)
  @MaxLength(120)
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Requests per minute; 429 past it' })
  rpmLimit?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'USD; 402 past it. Needs budgetPeriod.' })
  budgetUsd?: string | null;

  @Field(() => BudgetPeriod, { nullable: true })
  budgetPeriod?: BudgetPeriod | null;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(200)
  allowedModels?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Tags on every usage record of the key, merged with x-keyplane-tags' })
  @ArrayMaxSize(10)
  defaultTags?: string[] | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}
