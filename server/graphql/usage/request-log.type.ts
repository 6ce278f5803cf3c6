import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FailureClass as FailureClassValue, KeySource as KeySourceValue, RequestStatus as RequestStatusValue } from '../../../shared/domain.js';
import { PageInfo } from '../common/page-info.type.js';
import { DecimalScalar } from '../common/scalars.js';
import { FailureClass, KeySource, RequestStatus } from './usage-enums.js';

@ObjectType({ description: 'One gateway request as its usage record holds it' })
export class RequestLog {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The x-keyplane-request-id the client received' })
  requestId!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => ID)
  projectId!: string;

  @Field(() => ID)
  gatewayKeyId!: string;

  @Field(() => String, { nullable: true })
  provider!: string | null;

  @Field(() => String)
  model!: string;

  @Field(() => KeySource, { nullable: true })
  keySource!: KeySourceValue | null;

  @Field(() => String, { nullable: true, description: 'Provider key id, hosted key name or "header"; never a secret' })
  keyRef!: string | null;

  @Field(() => Int)
  inputTokens!: number;

  @Field(() => Int)
  cachedInputTokens!: number;

  @Field(() => Int)
  outputTokens!: number;

  @Field(() => Boolean, { description: 'Counted from the text because the provider sent no usage' })
  tokensEstimated!: boolean;

  @Field(() => DecimalScalar)
  upstreamCostUsd!: unknown;

  @Field(() => DecimalScalar)
  billedCostUsd!: unknown;

  @Field(() => Boolean)
  costKnown!: boolean;

  @Field(() => RequestStatus)
  status!: RequestStatusValue;

  @Field(() => FailureClass, { nullable: true })
  failureClass!: FailureClassValue | null;

  @Field(() => Int)
  httpStatus!: number;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => Int, { nullable: true })
  ttftMs!: number | null;

  @Field(() => Boolean)
  streamed!: boolean;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Candidates, order, chosen provider and why' })
  routing!: unknown;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class RequestLogConnection {
  @Field(() => [RequestLog])
  nodes!: RequestLog[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
