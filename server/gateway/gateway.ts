import { Agent } from 'undici';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { Platform } from '../platform.js';
import { CreditLeases } from './billing/credit-leases.js';
import { startReservationSweeper } from './billing/reservation-sweeper.js';
import { SettlementWriter } from './billing/settlement-writer.js';
import { HostedKeyPool } from './keys/hosted-pool.js';
import { Endpoints } from './endpoints.js';
import type { PipelineDependencies } from './pipeline.js';
import { ProviderHealth } from './routing/provider-health.js';
import { Router } from './routing/router.js';
import { GatewayAuthenticator } from './stages/authenticate.stage.js';
import { Reserver } from './stages/reserve.stage.js';
import { ScopeResolver } from './stages/resolve.stage.js';

export type Gateway = PipelineDependencies & { close(): Promise<number> };

/** Assemble the gateway's long-lived parts: caches, pool, router, upstream agent, usage writer. */
export function createGateway(config: Config, db: Database, services: Services, platform: Platform, logger: Logger): Gateway {
  const metrics = createMetrics();
  const pool = new HostedKeyPool(platform.platformKeys, platform.state);
  const health = new ProviderHealth();
  // Keep-alive connections to each provider: a TLS handshake per request would dwarf our overhead.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
  const writer = new SettlementWriter(db.prisma, logger);
  const leases = new CreditLeases(db.prisma, logger);
  const stopSweeper = startReservationSweeper(db.prisma, logger, config.reservationTtlMs);
  return {
    authenticator: new GatewayAuthenticator(services.gatewayKeys),
    scopes: new ScopeResolver(services),
    router: new Router(platform.state, pool, health),
    reserver: new Reserver(db.prisma, leases, config.hostedCostMultiplier),
    call: {
      pool,
      state: platform.state,
      health,
      metrics,
      dispatcher,
      platformMultiplier: config.hostedCostMultiplier,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
    },
    endpoints: new Endpoints(config.env),
    platformKeys: platform.platformKeys,
    pool,
    state: platform.state,
    writer,
    leases,
    metrics,
    logger,
    /** Flush usage; returns how many settlements could not be written. */
    async close() {
      stopSweeper();
      const unwritten = await writer.close();
      // After the last settlement is written: give back every lease.
      await leases.close().catch((error: unknown) => logger.error({ err: error }, 'Giving back credit leases failed; the sweeper will'));
      await dispatcher.close();
      return unwritten;
    },
  };
}
