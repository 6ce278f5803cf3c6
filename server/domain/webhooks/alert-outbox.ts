import type { PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../db/generated/client.js';

/** A delivery claimed for one attempt, with its webhook (sealed secret) and its event. */
export interface ClaimedDelivery {
  id: string;
  /** This attempt's number (1 for the first). */
  attempts: number;
  url: string;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
  keyVersion: string;
  eventId: string;
  type: string;
  organizationId: string | null;
  data: unknown;
  createdAt: Date;
}

export interface DeliveryOutcome {
  id: string;
  /** The attempt this outcome is for: a claim another instance took over since is left alone. */
  attempts: number;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  statusCode: number | null;
  response: string | null;
  /** When to try again (PENDING only). */
  retryInMs: number;
}

/**
 * The alert outbox's SQL (tables AlertEvent and WebhookDelivery). Settlement records budget and
 * credit crossings in the same statement that moves the money (settlement-sql.ts); other
 * producers call `record`. Every statement is single and claims with FOR UPDATE SKIP LOCKED, so
 * any number of instances work the outbox at once and each event and attempt is taken once.
 */
export class AlertOutbox {
  constructor(private readonly prisma: PrismaClient) {}

  /** Record an event once per `eventKey` (a crossing); true when it is new. */
  async record(event: { eventKey: string; type: string; organizationId: string | null; data: Prisma.InputJsonValue }): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO "AlertEvent" ("id", "eventKey", "type", "organizationId", "data")
      VALUES (gen_random_uuid()::text, ${event.eventKey}, ${event.type}, ${event.organizationId}, ${JSON.stringify(event.data)}::jsonb)
      ON CONFLICT ("eventKey") DO NOTHING`;
    return inserted > 0;
  }

  /**
   * Turn up to `limit` new events into one delivery per webhook subscribed to them (an
   * organization's webhooks for its events; platform webhooks for platform events), marking the
   * events done in the same statement. Returns the types of the events fanned out.
   */
  async fanOut(limit = 100): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ type: string }[]>`
      WITH claimed AS (
        SELECT "id" FROM "AlertEvent" WHERE "fannedOutAt" IS NULL ORDER BY "createdAt" LIMIT ${limit}::int FOR UPDATE SKIP LOCKED
      ),
      deliveries AS (
        INSERT INTO "WebhookDelivery" ("id", "webhookId", "eventId")
        SELECT gen_random_uuid()::text, w."id", e."id"
        FROM claimed c JOIN "AlertEvent" e ON e."id" = c."id"
        JOIN "Webhook" w ON w."organizationId" IS NOT DISTINCT FROM e."organizationId" AND e."type" = ANY(w."events")
        ON CONFLICT ("webhookId", "eventId") DO NOTHING
        RETURNING 1
      )
      UPDATE "AlertEvent" e SET "fannedOutAt" = now() FROM claimed c WHERE e."id" = c."id" RETURNING e."type"`;
    return rows.map((row) => row.type);
  }

  /**
   * Claim up to `limit` due deliveries for one attempt each: the attempt is counted and the
   * delivery pushed `leaseMs` ahead, so nobody else takes it while it is in flight (a process
   * that dies mid-attempt leaves it to be retried after the lease).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      WITH due AS (
        SELECT d."id" FROM "WebhookDelivery" d
        WHERE d."status" = 'PENDING' AND d."nextAttemptAt" <= now()
        ORDER BY d."nextAttemptAt" LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "WebhookDelivery" d
      SET "attempts" = d."attempts" + 1, "nextAttemptAt" = now() + make_interval(secs => ${leaseMs / 1000}::double precision), "updatedAt" = now()
      FROM due, "Webhook" w, "AlertEvent" e
      WHERE d."id" = due."id" AND w."id" = d."webhookId" AND e."id" = d."eventId"
      RETURNING d."id", d."attempts", w."url", w."ciphertext", w."iv", w."authTag", w."keyVersion",
        e."id" AS "eventId", e."type", e."organizationId", e."data", e."createdAt"`;
  }

  /** Record an attempt's outcome, unless its claim has since passed to another attempt. */
  async finish(outcome: DeliveryOutcome): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "WebhookDelivery"
      SET "status" = ${outcome.status}::"WebhookDeliveryStatus", "lastStatusCode" = ${outcome.statusCode}::int,
        "lastResponse" = ${outcome.response},
        "nextAttemptAt" = now() + make_interval(secs => ${outcome.retryInMs / 1000}::double precision),
        "deliveredAt" = CASE WHEN ${outcome.status} = 'DELIVERED' THEN now() END, "updatedAt" = now()
      WHERE "id" = ${outcome.id} AND "attempts" = ${outcome.attempts}::int`;
  }
}
