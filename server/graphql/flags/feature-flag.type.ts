import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
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

export enum FlagSource {
  ENVIRONMENT = 'ENVIRONMENT',
  PROJECT = 'PROJECT',
  ORGANIZATION = 'ORGANIZATION',
  GLOBAL = 'GLOBAL',
}
registerEnumType(FlagSource, {
  name: 'FlagSource',
  description: 'Which setting decides a flag: the environment, a project or organization override, or the global value',
});

@ObjectType({ description: "A flag's value in force, and which setting decided it" })
export class FlagValue {
  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => FlagSource)
  source!: FlagSource;
}

@ObjectType({ description: "The value in force for one organization or project, computed by the server with the gateway's own precedence" })
export class FlagScopeValue {
  @Field(() => FlagScope)
  scope!: FlagScope;

  @Field(() => ID, { description: 'Organization or project id, by scope' })
  scopeId!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => Boolean, { description: 'The value requests get here' })
  enabled!: boolean;

  @Field(() => FlagSource)
  source!: FlagSource;

  @Field(() => Boolean, { nullable: true, description: "This scope's own override; null when it inherits" })
  ownOverride!: boolean | null;

  @Field(() => FlagValue, { description: 'What clearFeatureFlagOverride would leave here' })
  inherited!: FlagValue;
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

  @Field(() => [FlagScopeValue], { description: 'The effective value for every organization and project, and why' })
  scopes!: FlagScopeValue[];
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
