import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type {
  FailureClass as FailureClassValue,
  KeySource as KeySourceValue,
  RequestStatus as RequestStatusValue,
} from '../../../shared/domain.js';
import type { UsageDimension as Dimension, UsageInterval as Interval } from '../../domain/usage/usage-dimensions.js';
import { DecimalScalar } from '../common/scalars.js';
import { FailureClass, KeySource, RequestStatus, UsageDimension, UsageInterval } from './usage-enums.js';

@ObjectType({ description: 'One group: the values of the grouped dimensions (null where not grouped) and its totals' })
export class UsageGroup {
  @Field(() => Date, { nullable: true, description: 'Start of the TIME bucket (UTC)' })
  bucket!: Date | null;

  @Field(() => ID, { nullable: true })
  organizationId!: string | null;

  @Field(() => String, { nullable: true })
  organizationName!: string | null;

  @Field(() => ID, { nullable: true })
  projectId!: string | null;

  @Field(() => String, { nullable: true })
  projectName!: string | null;

  @Field(() => ID, { nullable: true })
  gatewayKeyId!: string | null;

  @Field(() => String, { nullable: true })
  gatewayKeyName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Provider key id (byok), a keyed hash (user), or the hosted/env key name (one "platform" group to non-operators)',
  })
  keyRef!: string | null;

  @Field(() => String, { nullable: true, description: 'keyRef made readable: "openai sk-…a1b2" for stored keys' })
  keyLabel!: string | null;

  @Field(() => String, { nullable: true })
  provider!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => KeySource, { nullable: true })
  keySource!: KeySourceValue | null;

  @Field(() => RequestStatus, { nullable: true })
  status!: RequestStatusValue | null;

  @Field(() => FailureClass, { nullable: true })
  failureClass!: FailureClassValue | null;

  @Field(() => String, { nullable: true, description: 'The front door: openai-chat, anthropic-messages, openai-responses, embeddings' })
  endpoint!: string | null;

  @Field(() => String, { nullable: true, description: 'The end user the request named (OpenAI user, Anthropic metadata.user_id)' })
  endUser!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'TAG groups: one tag; a request counts in each of its tags, untagged requests under null',
  })
  tag!: string | null;

  @Field(() => Int)
  requests!: number;

  @Field(() => GraphQLSafeInt, { description: 'Every input token: uncached, cache reads (cachedInputTokens) and cache writes' })
  inputTokens!: number;

  @Field(() => GraphQLSafeInt)
  cachedInputTokens!: number;

  @Field(() => GraphQLSafeInt)
  outputTokens!: number;

  @Field(() => DecimalScalar, {
    description:
      "USD the providers charged. To non-operators: only the calls on the organization's own keys (byok/user), what its providers charge it",
  })
  upstreamCostUsd!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      "USD the platform paid upstream: upstreamCostUsd of calls served by platform keys (key source hosted or env). BYOK/user calls are paid with the organization's own key and are not included; the platform's margin is billedCostUsd − platformCostUsd. Operators only: null to everyone else",
  })
  platformCostUsd!: string | null;

  @Field(() => DecimalScalar, { description: 'USD billed to the organizations' })
  billedCostUsd!: string;

  @Field(() => Int, { description: 'Requests with status FAILED' })
  failures!: number;

  @Field(() => Int, { description: 'Requests the client cancelled' })
  cancelled!: number;

  @Field(() => Int, { description: 'Requests whose cost could not be computed (no price)' })
  costUnknown!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median latency (ms). Approximate: estimated from log-scale latency histograms (the usage rollups), within ~9% (relative) of the exact percentile_cont over the requests',
  })
  latencyP50Ms!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      '95th percentile latency (ms). Approximate: estimated from log-scale latency histograms (the usage rollups), within ~9% (relative) of the exact percentile_cont over the requests',
  })
  latencyP95Ms!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      '99th percentile latency (ms). Approximate: estimated from log-scale latency histograms (the usage rollups), within ~9% (relative) of the exact percentile_cont over the requests',
  })
  latencyP99Ms!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median time to first token (streamed requests). Approximate: estimated from log-scale latency histograms (the usage rollups), within ~9% (relative) of the exact percentile_cont over the requests',
  })
  ttftP50Ms!: number | null;
}

@ObjectType()
export class UsageReport {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => UsageInterval)
  interval!: Interval;

  @Field(() => [UsageDimension])
  groupBy!: Dimension[];

  @Field(() => [UsageGroup], { description: 'Time buckets ascending, then the busiest groups first' })
  groups!: UsageGroup[];

  @Field(() => Boolean, { description: 'True when there were too many groups and the rest were left off' })
  truncated!: boolean;
}
