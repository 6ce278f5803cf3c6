import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../common/scalars.js';

@ObjectType({ description: "Usage of one project, model or tag in a statement's month (or of all of them: the total)" })
export class StatementLine {
  @Field(() => String, { nullable: true, description: 'The project id, model or tag; null for untagged usage and for the total' })
  key!: string | null;

  @Field(() => String)
  label!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => GraphQLSafeInt)
  inputTokens!: number;

  @Field(() => GraphQLSafeInt)
  outputTokens!: number;

  @Field(() => DecimalScalar, {
    description: "Upstream cost of calls on the organization's own keys (stored BYOK keys, a caller's key): what its providers charge it",
  })
  ownKeyCostUsd!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Upstream cost of calls on the platform's hosted and env keys: the platform's cost, shown to operators only",
  })
  platformCostUsd!: string | null;

  @Field(() => DecimalScalar)
  billedCostUsd!: string;
}

@ObjectType({ description: 'A grant or an adjustment of credit in the month' })
export class StatementCreditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'GRANT (credits added) or ADJUSTMENT' })
  kind!: string;

  @Field(() => DecimalScalar)
  amountUsd!: string;

  @Field(() => String)
  note!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({
  description:
    'A monthly statement (UTC): opening + creditsAdded + adjustments − creditsSpent − byokFees = closing, exactly; ' +
    'total.billedCostUsd = creditsSpent + byokFees + billedOutsideCredits',
})
export class Statement {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  organizationName!: string;

  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;

  @Field(() => Date, { description: 'First instant of the month (UTC)' })
  from!: Date;

  @Field(() => Date, { description: "First instant of the next month: the period's end, exclusive" })
  to!: Date;

  @Field(() => Boolean, { description: 'False for the current month: a statement to date' })
  complete!: boolean;

  @Field(() => Date)
  generatedAt!: Date;

  @Field(() => DecimalScalar, { description: 'Σ of the credit ledger before the month' })
  openingBalanceUsd!: string;

  @Field(() => DecimalScalar)
  creditsAddedUsd!: string;

  @Field(() => DecimalScalar, { description: 'ADJUSTMENT entries (signed)' })
  adjustmentsUsd!: string;

  @Field(() => DecimalScalar, { description: "Debits for calls on the platform's keys" })
  creditsSpentUsd!: string;

  @Field(() => DecimalScalar, { description: "Debits for calls on the organization's own keys: the BYOK fee" })
  byokFeesUsd!: string;

  @Field(() => DecimalScalar)
  closingBalanceUsd!: string;

  @Field(() => [StatementCreditEntry], { description: "The month's grants and adjustments, oldest first" })
  creditEntries!: StatementCreditEntry[];

  @Field(() => DecimalScalar, {
    description: "Billed cost of the month's usage that no ledger entry debited (0 when every bill went through credits)",
  })
  billedOutsideCreditsUsd!: string;

  @Field(() => Boolean, { description: 'Whether platformCostUsd is filled in (operators only)' })
  showsPlatformCost!: boolean;

  @Field(() => StatementLine)
  total!: StatementLine;

  @Field(() => [StatementLine])
  byProject!: StatementLine[];

  @Field(() => [StatementLine], { description: 'By model, a provider/ prefix naming the provider that served it dropped' })
  byModel!: StatementLine[];

  @Field(() => [StatementLine], {
    description: 'A request counts once in each of its tags (untagged: key null), so these may add up to more than the total',
  })
  byTag!: StatementLine[];

  @Field(() => String, { description: 'Path of the same statement as CSV, authenticated like /graphql' })
  csvPath!: string;
}
