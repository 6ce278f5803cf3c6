import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/page-info.type.js';

@ObjectType()
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  organizationId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The user who acted (null for the system); filter with auditLog(actorId:)' })
  actorUserId!: string | null;

  @Field(() => String, { description: 'Who: email, and the token name when a token acted' })
  actorLabel!: string;

  @Field(() => String, { description: 'What, e.g. provider-key.replace' })
  action!: string;

  @Field(() => String)
  targetType!: string;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'What changed (masks, never secrets)' })
  details!: unknown;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class AuditEntryConnection {
  @Field(() => [AuditEntry])
  nodes!: AuditEntry[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
