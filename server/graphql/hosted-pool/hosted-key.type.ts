import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { HostedKeyState as HostedKeyStateValue, PlatformKeySource } from '../../domain/hosted-pool/hosted-key-pool.service.js';
import { DecimalScalar } from '../common/scalars.js';

export const HostedKeyState = { AVAILABLE: 'AVAILABLE', COOLING_DOWN: 'COOLING_DOWN', DISABLED: 'DISABLED' } as const satisfies Record<
  HostedKeyStateValue,
  HostedKeyStateValue
>;
// The one enum for a key's state in the gateway, hosted or stored (ProviderKey.status uses it too).
registerEnumType(HostedKeyState, {
  name: 'HostedKeyState',
  description: 'Whether the gateway uses a key now, rests it, or has taken it out',
});

export const PlatformKeyKind = { hosted: 'hosted', env: 'env' } as const satisfies Record<PlatformKeySource, PlatformKeySource>;
registerEnumType(PlatformKeyKind, {
  name: 'PlatformKeyKind',
  description: 'hosted: a pool key <P>_API_KEY_n; env: the legacy single <P>_API_KEY',
});

@ObjectType({ description: 'Traffic a hosted key served in a time window, from usage records' })
export class HostedKeyStats {
  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  failures!: number;

  @Field(() => DecimalScalar, { description: 'USD billed for calls the key served' })
  billedCostUsd!: string;
}

@ObjectType({ description: 'A platform key (pool or legacy env), by its environment variable name (never the secret)' })
export class HostedKey {
  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: 'e.g. OPENAI_API_KEY_2, or OPENAI_API_KEY for the env key' })
  name!: string;

  @Field(() => PlatformKeyKind)
  source!: PlatformKeySource;

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

@ObjectType({
  description:
    'A platform key name seen in recent usage that this process is not configured with (another instance, seeded demo data, a removed key)',
})
export class UnconfiguredHostedKey {
  @Field(() => String)
  provider!: string;

  @Field(() => String)
  name!: string;

  @Field(() => PlatformKeyKind)
  source!: PlatformKeySource;

  @Field(() => Int, { description: 'Requests it served in the last 30 days' })
  requests!: number;
}

@ObjectType()
export class HostedProviderPool {
  @Field(() => String)
  provider!: string;

  @Field(() => [HostedKey], { description: 'The keys configured in this process' })
  keys!: HostedKey[];

  @Field(() => [UnconfiguredHostedKey], { description: 'Key names with traffic in the last 30 days that this process does not have' })
  unconfiguredKeys!: UnconfiguredHostedKey[];
}
