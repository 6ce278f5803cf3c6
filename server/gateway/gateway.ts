import { Agent } from 'undici';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Services } from '../domain/services.js';
import { AlertOutbox } from '../domain/webhooks/alert-outbox.js';
import { createGuardedAgent } from '../net/safe-dispatcher.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { Tracing } from '../observability/tracing.js';
import type { Platform } from '../platform.js';
import { callerKeyRefs } from '../secrets/caller-key-ref.js';
import type { KeyRing } from '../secrets/key-ring.js';
import { BillingStore } from './billing/billing-store.js';
import { LivenessLock } from './billing/instance-liveness.js';
import { IntentJournal } from './billing/intent-journal.js';
import { Leases } from './billing/leases.js';
import { startReservationSweeper } from './billing/reservation-sweeper.js';
import { settlementPath } from './billing/settlement-path.js';
import { usageIntent } from './billing/usage-intent.js';
import { Endpoints } from './endpoints.js';
import { HostedKeyPool } from './keys/hosted-pool.js';
import { KeyCheck } from './keys/key-check.js';
import { KeyLookups } from './keys/key-lookups.js';
import { PlatformAlerts } from './keys/platform-alerts.js';
import type { PipelineDependencies } from './pipeline.js';
import { ProviderHealth } from './routing/provider-health.js';
import { Router } from './routing/router.js';
import { GatewayAuthenticator } from './stages/authenticate.stage.js';
import { Reserver } from './stages/reserve.stage.js';
import { ScopeResolver } from './stages/resolve.stage.js';

export type Gateway = PipelineDependencies & { journal: IntentJournal; close(): Promise<number> };

/** Assemble the gateway's long-lived parts: caches, pool, router, upstream agent, usage writer. */
export function createGateway(
  config: Config,
  db: Database,
  services: Services,
  platform: Platform,
  logger: Logger,
  keyRing: KeyRing,
  tracing: Tracing,
  options: { intentDir?: string | null } = {},
): Gateway {
  const metrics = createMetrics();
  const configChanges = db.configChanges(logger);
  const pool = new HostedKeyPool(platform.platformKeys, platform.state);
  const health = new ProviderHealth();
  // Keep-alive connections to each provider: a TLS handshake per request would dwarf our overhead.
  const agentOptions = { keepAliveTimeout: 30_000, connections: 256, pipelining: 1 };
  const dispatcher = new Agent(agentOptions);
  // Organizations' custom providers connect through an agent that refuses private addresses.
  const customDispatcher = createGuardedAgent({ ...agentOptions, allowPrivate: config.allowPrivateUpstreams });
  const billing = new BillingStore(db.prisma, db.direct, db.lookups);
  const { writer, intents } = settlementPath(billing, logger, options.intentDir ?? null);
  const leases = new Leases(billing, logger, config.creditLease);
  const liveness = LivenessLock.start(config.databaseUrl, leases.instanceId, logger);
  const journal = new IntentJournal(intents, logger, leases.instanceId, { deadAfterMs: config.instanceDeadAfterMs });
  journal.start();
  const stopSweeper = startReservationSweeper(billing, logger, config.reservationTtlMs, config.creditLease.ttlMs);
  return {
    authenticator: new GatewayAuthenticator(new KeyLookups(services.gatewayKeys), configChanges),
    scopes: new ScopeResolver(services, configChanges),
    router: new Router(platform.state, pool, health),
    reserver: new Reserver(leases, config.hostedCostMultiplier),
    call: {
      pool,
      state: platform.state,
      health,
      metrics,
      dispatcher,
      platformMultiplier: config.hostedCostMultiplier,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      writeAhead: (run) => {
        const intent = journal.record(usageIntent(run));
        run.intentCommitted = intent.committed;
        return intent.sent;
      },
      alerts: new PlatformAlerts(new AlertOutbox(db.prisma), pool, logger),
      keyCheck: new KeyCheck({ timeoutMs: Math.min(config.upstreamTimeoutMs, 10_000) }),
    },
    endpoints: new Endpoints(config.env, customDispatcher),
    platformKeys: platform.platformKeys,
    pool,
    state: platform.state,
    writer,
    leases,
    journal,
    metrics,
    logger,
    tracing,
    callerKeyRef: callerKeyRefs(keyRing),
    catalogOverrides: services.catalogOverrides,
    /** Flush usage; returns how many settlements could not be written. */
    async close() {
      stopSweeper();
      // Settlements wait for their intents' commits: let the last ones reach the writer first.
      await journal.drain();
      const unwritten = await writer.close();
      // Every settled request's intent is gone now; the rest are recovered by the next pass anywhere.
      await journal.close();
      // After the last settlement is written: give back every lease.
      await leases.close().catch((error: unknown) => logger.error({ err: error }, 'Giving back leases failed; the sweeper will'));
      await liveness?.close();
      await Promise.all([dispatcher.close(), customDispatcher.close()]);
      return unwritten;
    },
  };
}
