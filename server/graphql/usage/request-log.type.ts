import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type {
  FailureClass as FailureClassValue,
  KeySource as KeySourceValue,
  RequestStatus as RequestStatusValue,
} from '../../../shared/domain.js';
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

  @Field(() => String, {
    description: 'The front door the request came through: openai-chat, anthropic-messages, openai-responses or embeddings',
  })
  endpoint!: string;

  @Field(() => [String], { description: "Attribution: the gateway key's default tags and the x-keyplane-tags header's" })
  tags!: string[];

  @Field(() => String, { nullable: true, description: 'The end user the request named (OpenAI user, Anthropic metadata.user_id)' })
  endUser!: string | null;

  @Field(() => KeySource, { nullable: true })
  keySource!: KeySourceValue | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Provider key id, a keyed hash of a caller\'s header key, or the hosted/env key name ("platform" to non-operators); never a secret',
  })
  keyRef!: string | null;

  @Field(() => Int, { description: 'Every input token: uncached, cache reads (cachedInputTokens) and cache writes' })
  inputTokens!: number;

  @Field(() => Int, { description: 'Input tokens read from the provider’s prompt cache' })
  cachedInputTokens!: number;

  @Field(() => Int, { description: 'Input tokens written to a 5-minute prompt cache (or the provider’s only kind)' })
  cacheWriteTokens!: number;

  @Field(() => Int, { description: 'Input tokens written to a 1-hour prompt cache' })
  cacheWrite1hTokens!: number;

  @Field(() => Int, { description: 'Every output token, reasoningTokens included' })
  outputTokens!: number;

  @Field(() => Int, { description: 'Output tokens the model spent reasoning (billed as output)' })
  reasoningTokens!: number;

  @Field(() => Int, {
    description: "Web searches the provider ran server-side (OpenAI's and Anthropic's web search tools), billed per search",
  })
  webSearches!: number;

  @Field(() => Boolean, { description: 'Counted from the text because the provider sent no usage' })
  tokensEstimated!: boolean;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "USD the provider charged; null to non-operators for calls on the platform's keys (the platform's cost)",
  })
  upstreamCostUsd!: unknown;

  @Field(() => DecimalScalar)
  billedCostUsd!: unknown;

  @Field(() => Boolean)
  costKnown!: boolean;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'The rates this request was billed at, USD per 1M tokens as decimal text (input, cachedInput, cacheWrite, cacheWrite1h, output; long-context tier applied); null when unpriced. A later price change never changes them',
  })
  unitPrices!: unknown;

  @Field(() => String, {
    nullable: true,
    description:
      'Where those rates came from: the price data and its version, the dated overlay, or an operator override (id, scope, date)',
  })
  priceSource!: string | null;

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
