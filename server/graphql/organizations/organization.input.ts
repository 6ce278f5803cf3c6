import { MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { DecimalScalar } from '../common/scalars.js';

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  @MaxLength(120)
  name!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(48)
  slug?: string | null;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true })
  @MaxLength(120)
  name?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Operators only; "" clears the override' })
  hostedCostMultiplier?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Operators only' })
  byokFeeRate?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'USD: a credits.low webhook event when the balance falls below it (ADMIN+); "" clears it',
  })
  creditsLowThresholdUsd?: string | null;
}
