import { Field, ID, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../common/scalars.js';

@ObjectType()
export class Organization {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Overrides HOSTED_COST_MULTIPLIER for this organization' })
  hostedCostMultiplier!: unknown;

  @Field(() => DecimalScalar, { description: 'Fraction of upstream cost billed on calls served by its own keys' })
  byokFeeRate!: unknown;

  @Field(() => DecimalScalar, { description: 'Credit balance in USD' })
  creditBalance!: unknown;

  @Field(() => DecimalScalar, { nullable: true, description: 'A credits.low webhook event fires when the balance falls below this' })
  creditsLowThresholdUsd!: unknown;

  @Field(() => Date)
  createdAt!: Date;
}
