import { Max, Min } from 'class-validator';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LimiterMode } from '../../db/generated/enums.js';

registerEnumType(LimiterMode, { name: 'LimiterMode', description: 'How hosted keys of a provider are rate limited' });

@ObjectType({ description: "A provider's hosted-key limiter; defaults (NONE) where an operator set nothing" })
export class ProviderSetting {
  @Field(() => String)
  provider!: string;

  @Field(() => LimiterMode, { name: 'mode' })
  limiterMode!: LimiterMode;

  @Field(() => Int, { nullable: true, description: 'PER_ORGANIZATION: per organization; QUEUE: per hosted key' })
  requestsPerMinute!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'QUEUE: how long a request may wait for a key; null: defaultLimiterSetting.queueTimeoutMs applies',
  })
  queueTimeoutMs!: number | null;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}

@ObjectType({ description: 'The limiter the gateway applies where an operator set nothing, and the default queue timeout' })
export class LimiterSetting {
  @Field(() => LimiterMode)
  mode!: LimiterMode;

  @Field(() => Int, { nullable: true })
  requestsPerMinute!: number | null;

  @Field(() => Int)
  queueTimeoutMs!: number;
}

@InputType()
export class SetProviderLimiterInput {
  @Field(() => String)
  provider!: string;

  @Field(() => LimiterMode)
  mode!: LimiterMode;

  @Field(() => Int, { nullable: true })
  @Min(1)
  @Max(1_000_000)
  requestsPerMinute?: number | null;

  @Field(() => Int, { nullable: true })
  @Min(1)
  @Max(600_000)
  queueTimeoutMs?: number | null;
}
