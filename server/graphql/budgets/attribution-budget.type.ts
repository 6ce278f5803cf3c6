import { MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AttributionScope, BudgetPeriod } from '../common/enums.js';
import { DecimalScalar } from '../common/scalars.js';

@ObjectType({ description: "A budget for one tag or one end user within a project: 402 past it, like a gateway key's" })
export class AttributionBudget {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  projectId!: string;

  @Field(() => AttributionScope)
  scope!: AttributionScope;

  @Field(() => String, { description: 'The tag ("team:a") or the end user' })
  value!: string;

  @Field(() => DecimalScalar, { description: 'USD per period' })
  budgetUsd!: unknown;

  @Field(() => BudgetPeriod)
  budgetPeriod!: BudgetPeriod;

  @Field(() => String, { description: 'The current period: "YYYY-MM" (UTC) or "total"' })
  period!: string;

  @Field(() => DecimalScalar, { description: 'Billed in the current period' })
  spentUsd!: string;

  @Field(() => DecimalScalar, {
    description: 'Held for requests: by those in flight, and leased by gateway instances for their next ones (given back once idle)',
  })
  reservedUsd!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType()
export class SetAttributionBudgetInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => AttributionScope)
  scope!: AttributionScope;

  @Field(() => String, { description: 'A tag (as in x-keyplane-tags) or an end user (OpenAI `user`, Anthropic `metadata.user_id`)' })
  @MaxLength(128)
  value!: string;

  @Field(() => DecimalScalar, { description: 'USD per period; greater than 0' })
  budgetUsd!: string;

  @Field(() => BudgetPeriod)
  budgetPeriod!: BudgetPeriod;
}
