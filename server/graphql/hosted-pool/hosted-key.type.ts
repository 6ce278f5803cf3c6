import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { HostedKeyState as HostedKeyStateValue } from '../../domain/hosted-pool/hosted-key-pool.service.js';
import { DecimalScalar } from '../common/scalars.js';

export const HostedKeyState = { AVAILABLE: 'AVAILABLE', COOLING_DOWN: 'COOLING_DOWN', DISABLED: 'DISABLED' } as const satisfies Record<HostedKeyStateValue, HostedKeyStateValue>;
registerEnumType(HostedKeyState, { name: 'HostedKeyState' });

@ObjectType({ description: 'Traffic a hosted key served in a time window, from usage records' })
export class HostedKeyStats {
  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  failures!: number;

  @Field(() => DecimalScalar, { description: 'USD billed for calls the key served' })
  billedCostUsd!: string;
}

@ObjectType({ description: 'A key of the platform pool, by its environment variable name (never the secret)' })
export class HostedKey {
  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: 'e.g. OPENAI_API_KEY_2' })
  name!: string;

  @Field(() => HostedKeyState)
  state!: HostedKeyStateValue;

  @Field(() => Date, { nullable: true, description: 'Set while the key rests after a 429 or quota failure' })
  cooldownUntil!: Date | null;

  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => HostedKeyStats)
  lastHour!: HostedKeyStats;

  @Field(() => HostedKeyStats)
  lastDay!: HostedKeyStats;
}

@ObjectType()
export class HostedProviderPool {
  @Field(() => String)
  provider!: string;

  @Field(() => [HostedKey])
  keys!: HostedKey[];
}
