import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BudgetPeriod } from '../common/enums.js';
import { DecimalScalar } from '../common/scalars.js';

@ObjectType({ description: 'A key for the /v1 gateway, belonging to one project' })
export class GatewayKey {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  projectId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The first characters of the secret, to recognise it' })
  prefix!: string;

  @Field(() => Int, { nullable: true })
  rpmLimit!: number | null;

  @Field(() => DecimalScalar, { nullable: true })
  budgetUsd!: unknown;

  @Field(() => BudgetPeriod, { nullable: true })
  budgetPeriod!: BudgetPeriod | null;

  @Field(() => [String], { description: 'Empty: every model' })
  allowedModels!: string[];

  @Field(() => [String], { description: 'Tags on every usage record of the key' })
  defaultTags!: string[];

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class CreatedGatewayKey {
  @Field(() => GatewayKey)
  key!: GatewayKey;

  @Field(() => String, { description: 'Shown once; store it now' })
  secret!: string;
}
