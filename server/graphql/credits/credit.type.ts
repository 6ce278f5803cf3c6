import { MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { LedgerEntryKind } from '../common/enums.js';
import { PageInfo } from '../common/page-info.type.js';
import { DecimalScalar } from '../common/scalars.js';
import { Organization } from '../organizations/organization.type.js';

@ObjectType()
export class CreditLedgerEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => LedgerEntryKind)
  kind!: LedgerEntryKind;

  @Field(() => DecimalScalar, { description: 'USD; positive adds credit, negative spends it' })
  amountUsd!: unknown;

  @Field(() => DecimalScalar)
  balanceAfter!: unknown;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String)
  note!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class CreditLedgerConnection {
  @Field(() => [CreditLedgerEntry])
  nodes!: CreditLedgerEntry[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType()
export class AddCreditsResult {
  @Field(() => Organization)
  organization!: Organization;

  @Field(() => CreditLedgerEntry)
  entry!: CreditLedgerEntry;
}

@InputType()
export class AddCreditsInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => DecimalScalar, { description: 'USD to add' })
  amountUsd!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(500)
  note?: string | null;
}
