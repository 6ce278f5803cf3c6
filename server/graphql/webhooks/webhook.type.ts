import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { WebhookDeliveryStatus } from '../common/enums.js';

@ObjectType({ description: 'One event sent (or being sent) to one webhook' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'budget.threshold, credits.low, hosted_key.disabled, provider.cooling_down' })
  eventType!: string;

  @Field(() => String, { description: 'The crossing it reports, e.g. budget.threshold:<budget id>:2026-11:80 (one delivery per crossing)' })
  eventKey!: string;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: "The receiver's last HTTP status (null: it could not be reached)" })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: "The receiver's last answer (truncated, secrets scrubbed) or why it failed" })
  lastResponse!: string | null;

  @Field(() => Date, { nullable: true, description: 'PENDING: when the next attempt is due' })
  nextAttemptAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'Where alert events are POSTed, signed with x-keyplane-signature' })
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: 'Null: a platform webhook (operators) for hosted pool events' })
  organizationId!: string | null;

  @Field(() => String)
  url!: string;

  @Field(() => [String])
  events!: string[];

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class CreatedWebhook {
  @Field(() => Webhook)
  webhook!: Webhook;

  @Field(() => String, { description: 'The signing secret (whsec_…), shown only here: verify x-keyplane-signature with it' })
  secret!: string;
}

@InputType()
export class CreateWebhookInput {
  @Field(() => ID, { nullable: true, description: 'Omit for a platform webhook (operators only)' })
  organizationId?: string | null;

  @Field(() => String, { description: 'http(s) URL; private and loopback addresses are refused unless KEYPLANE_ALLOW_PRIVATE_UPSTREAMS' })
  @MaxLength(2000)
  url!: string;

  @Field(() => [String], {
    description: 'Organization: budget.threshold, credits.low; platform: hosted_key.disabled, provider.cooling_down',
  })
  @ArrayMaxSize(10)
  events!: string[];
}
