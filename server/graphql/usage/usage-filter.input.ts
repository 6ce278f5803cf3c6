import { MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import type {
  FailureClass as FailureClassValue,
  KeySource as KeySourceValue,
  RequestStatus as RequestStatusValue,
} from '../../../shared/domain.js';
import { FailureClass, KeySource, RequestStatus } from './usage-enums.js';

@InputType({ description: 'Which usage records to look at. Without from/to: the last 30 days.' })
export class UsageFilterInput {
  @Field(() => Date, { nullable: true, description: 'Inclusive; default: 30 days before `to`' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive; default: now' })
  to?: Date | null;

  @Field(() => ID, { nullable: true })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  projectId?: string | null;

  @Field(() => ID, { nullable: true })
  gatewayKeyId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(100)
  provider?: string | null;

  @Field(() => String, { nullable: true, description: 'The model as the request named it' })
  @MaxLength(200)
  model?: string | null;

  @Field(() => KeySource, { nullable: true })
  keySource?: KeySourceValue | null;

  @Field(() => RequestStatus, { nullable: true })
  status?: RequestStatusValue | null;

  @Field(() => FailureClass, { nullable: true })
  failureClass?: FailureClassValue | null;

  @Field(() => String, { nullable: true, description: 'Provider key id (byok) or hosted key name' })
  @MaxLength(200)
  keyRef?: string | null;

  @Field(() => String, { nullable: true, description: 'Requests carrying this tag' })
  @MaxLength(64)
  tag?: string | null;

  @Field(() => String, { nullable: true, description: 'The end user the request named' })
  @MaxLength(128)
  endUser?: string | null;

  @Field(() => String, { nullable: true, description: 'The front door: openai-chat, anthropic-messages, openai-responses, embeddings' })
  @MaxLength(100)
  endpoint?: string | null;
}
