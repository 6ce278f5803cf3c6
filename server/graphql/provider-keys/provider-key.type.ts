import { Field, ID, ObjectType } from 'type-graphql';
import type { KeyStatus } from '../../state/key-state-names.js';
import { HostedKeyState } from '../hosted-pool/hosted-key.type.js';

@ObjectType({ description: "An organization's own provider key (BYOK). The key itself is never returned." })
export class ProviderKey {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: 'Empty when the key is not region-specific' })
  region!: string;

  @Field(() => String, { description: 'Like sk-…a1b2' })
  mask!: string;

  @Field(() => HostedKeyState, { description: 'Whether the gateway uses the key now; an ADMIN puts it back with setProviderKeyState' })
  status!: KeyStatus;

  @Field(() => String, { nullable: true, description: 'Why the key was taken out of service (e.g. the provider rejected it)' })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'Set while the key rests after a 429 or quota failure' })
  cooldownUntil!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}
