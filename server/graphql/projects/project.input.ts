import { MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ProjectMode } from '../common/enums.js';

@InputType()
export class CreateProjectInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  @MaxLength(120)
  name!: string;

  @Field(() => ProjectMode, { nullable: true, defaultValue: 'API_KEYS' })
  mode?: ProjectMode | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  preferStoredKeys?: boolean | null;
}

@InputType()
export class UpdateProjectInput {
  @Field(() => String, { nullable: true })
  @MaxLength(120)
  name?: string | null;

  @Field(() => ProjectMode, { nullable: true })
  mode?: ProjectMode | null;

  @Field(() => Boolean, { nullable: true })
  preferStoredKeys?: boolean | null;
}
