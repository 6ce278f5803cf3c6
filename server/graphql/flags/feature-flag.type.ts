import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { FlagScope } from '../common/enums.js';

@ObjectType()
export class FeatureFlagOverride {
  @Field(() => FlagScope)
  scope!: FlagScope;

  @Field(() => ID, { description: 'Organization or project id, by scope' })
  scopeId!: string;

  @Field(() => Boolean)
  enabled!: boolean;
}

@ObjectType()
export class FeatureFlag {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean, { description: 'Global value, where no override applies' })
  enabled!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Forced by the environment (e.g. HOSTED_KEY_LLM); decides everywhere when set' })
  envOverride!: boolean | null;

  @Field(() => [FeatureFlagOverride])
  overrides!: FeatureFlagOverride[];
}

@InputType()
export class SetFeatureFlagInput {
  @Field(() => String)
  key!: string;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => ID, { nullable: true })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  projectId?: string | null;
}

@InputType({ description: 'Which override to remove: one of organizationId or projectId' })
export class ClearFeatureFlagOverrideInput {
  @Field(() => String)
  key!: string;

  @Field(() => ID, { nullable: true })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  projectId?: string | null;
}
