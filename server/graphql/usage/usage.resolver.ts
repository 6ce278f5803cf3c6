import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Int, Query, Resolver } from 'type-graphql';
import type { UsageDimension as Dimension, UsageInterval as Interval } from '../../domain/usage/usage-dimensions.js';
import { toConnection } from '../common/page-info.type.js';
import { actorOf, type GraphQLContext } from '../context.js';
import { RequestLog, RequestLogConnection } from './request-log.type.js';
import { selectedFields } from './selected-fields.js';
import { UsageDimension, UsageInterval } from './usage-enums.js';
import { UsageFilterInput } from './usage-filter.input.js';
import { UsageReport } from './usage-report.type.js';

@Resolver()
export class UsageResolver {
  @Authorized()
  @Query(() => UsageReport, {
    description: "Requests, tokens, cost, failures and latency per group; non-operators see their organizations' only",
  })
  usage(
    @Arg('filter', () => UsageFilterInput, { nullable: true }) filter: UsageFilterInput | null,
    @Arg('groupBy', () => [UsageDimension], { nullable: true, defaultValue: [] }) groupBy: Dimension[] | null,
    @Arg('interval', () => UsageInterval, { nullable: true, defaultValue: 'DAY' }) interval: Interval | null,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    // Latency histograms are the costly part of a report: add up only those a percentile asked for needs.
    const fields = selectedFields(info, ['groups']);
    const percentiles = {
      latency: ['latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms'].some((f) => fields.has(f)),
      ttft: fields.has('ttftP50Ms'),
    };
    return ctx.services.usage.report(actorOf(ctx), filter, groupBy, interval, percentiles);
  }

  @Authorized()
  @Query(() => RequestLogConnection, { description: 'Usage records, newest first' })
  async requestLogs(
    @Arg('filter', () => UsageFilterInput, { nullable: true }) filter: UsageFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return toConnection(await ctx.services.usage.requestLogs(actorOf(ctx), filter, first, after));
  }

  @Authorized()
  @Query(() => RequestLog, { description: 'One request by its x-keyplane-request-id' })
  requestLog(@Arg('requestId', () => String) requestId: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.usage.requestLog(actorOf(ctx), requestId);
  }
}
