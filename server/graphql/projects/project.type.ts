import { Field, ID, ObjectType } from 'type-graphql';
import { ProjectMode } from '../common/enums.js';

@ObjectType()
export class Project {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ProjectMode)
  mode!: ProjectMode;

  @Field(() => Boolean, { description: 'Use the stored BYOK key ahead of a caller-supplied x-provider-api-key' })
  preferStoredKeys!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}
