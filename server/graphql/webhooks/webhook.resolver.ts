import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context.js';
import { Organization } from '../organizations/organization.type.js';
import { CreatedWebhook, CreateWebhookInput, Webhook, WebhookDelivery } from './webhook.type.js';

@Resolver(() => Organization)
export class OrganizationWebhookResolver {
  @FieldResolver(() => [Webhook], { description: 'Its alert webhooks (ADMIN+)' })
  webhooks(@Root() organization: Organization, @Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.listForOrganization(actorOf(ctx), organization.id);
  }
}

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized()
  @Query(() => [Webhook], { description: "The platform's webhooks for hosted pool events (operators)" })
  platformWebhooks(@Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.listPlatform(actorOf(ctx));
  }

  @Authorized()
  @Mutation(() => CreatedWebhook, { description: 'Create a webhook; the reply holds its signing secret, once' })
  createWebhook(@Arg('input', () => CreateWebhookInput) input: CreateWebhookInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.create(actorOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Boolean)
  deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.delete(actorOf(ctx), id);
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'The latest deliveries, newest first' })
  deliveries(@Root() webhook: Webhook, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: GraphQLContext) {
    return ctx.services.webhooks.deliveries(webhook.id, first);
  }
}
