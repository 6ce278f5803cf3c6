import { MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A bearer token for tools; acts as the user who created it' })
export class AccessToken {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  prefix!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType()
export class CreatedAccessToken {
  @Field(() => AccessToken)
  token!: AccessToken;

  @Field(() => String, { description: 'Shown once; send as Authorization: Bearer <secret>' })
  secret!: string;
}

@InputType()
export class CreateAccessTokenInput {
  @Field(() => String)
  @MaxLength(120)
  name!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'None: never expires, or, when you call with an access token that expires, expires with it. No later than that token',
  })
  expiresAt?: Date | null;
}
