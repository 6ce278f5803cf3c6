import { type AlertEventType, ORGANIZATION_ALERT_EVENTS, PLATFORM_ALERT_EVENTS } from '../../../shared/domain.js';
import type { PrismaClient } from '../../db/database.js';
import type { WebhookDelivery } from '../../db/generated/client.js';
import { checkUpstreamUrl, UpstreamAddressRefused } from '../../net/upstream-address.js';
import type { KeyRing } from '../../secrets/key-ring.js';
import { randomBase62 } from '../../secrets/tokens.js';
import { type Actor, requireOperator, requireOrgRole, requireTenantRow } from '../actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, notFound } from '../errors.js';

export interface CreateWebhookInput {
  /** Null or absent: a platform webhook (operators only) for hosted pool events. */
  organizationId?: string | null;
  url: string;
  events: string[];
}

/** A webhook as shown: never its secret (that is in create's reply, once). */
export interface WebhookView {
  id: string;
  organizationId: string | null;
  url: string;
  events: string[];
  createdAt: Date;
}

export type WebhookDeliveryView = WebhookDelivery & { eventType: string; eventKey: string };

/** An organization keeps at most this many webhooks. */
const MAX_WEBHOOKS = 20;
const VIEW = { id: true, organizationId: true, url: true, events: true, createdAt: true } as const;

/** `whsec_` + 32 base62 characters: the HMAC key a receiver verifies signatures with. */
const newSigningSecret = () => `whsec_${randomBase62(32)}`;

/**
 * Webhooks per organization (SPEC §5) and the platform's (organizationId null). URLs meet the
 * custom providers' private-address rule when created, and again on every delivery (the
 * dispatcher connects through the guarded agent). The signing secret is sealed with the key
 * ring and shown once.
 */
export class WebhookService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly keyRing: KeyRing,
    /** KEYPLANE_ALLOW_PRIVATE_UPSTREAMS: webhook URLs may target private addresses (the same switch as custom providers). */
    private readonly allowPrivateUpstreams: boolean,
  ) {}

  async create(actor: Actor, input: CreateWebhookInput): Promise<{ webhook: WebhookView; secret: string }> {
    const organizationId = input.organizationId ?? null;
    if (organizationId) requireOrgRole(actor, organizationId, 'ADMIN');
    else requireOperator(actor);
    const allowed: readonly string[] = organizationId ? ORGANIZATION_ALERT_EVENTS : PLATFORM_ALERT_EVENTS;
    const events = [...new Set(input.events.map((event) => event.trim()))];
    if (events.length === 0) throw badInput(`events must name at least one of ${allowed.join(', ')}`);
    const unknown = events.find((event) => !allowed.includes(event));
    if (unknown) throw badInput(`"${unknown.slice(0, 60)}" is not an event here; use ${allowed.join(', ')}`);
    const url = await validateUrl(input.url, this.allowPrivateUpstreams);
    const secret = newSigningSecret();
    const sealed = this.keyRing.seal(secret);
    const webhook = await this.prisma.$transaction(async (tx) => {
      if ((await tx.webhook.count({ where: { organizationId } })) >= MAX_WEBHOOKS) throw badInput(`At most ${MAX_WEBHOOKS} webhooks`);
      if (organizationId && !(await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true } })))
        throw badInput('No such organization');
      const row = await tx.webhook.create({
        data: { organizationId, url, events, ...sealed, createdById: actor.userId },
        select: VIEW,
      });
      await this.audit.record(tx, actor, {
        organizationId,
        action: 'webhook.create',
        targetType: 'Webhook',
        targetId: row.id,
        details: { url: redactedUrl(url), events },
      });
      return row;
    });
    return { webhook, secret };
  }

  async delete(actor: Actor, id: string): Promise<boolean> {
    const row = await this.readable(actor, id, 'ADMIN');
    await this.prisma.$transaction(async (tx) => {
      await tx.webhook.delete({ where: { id } });
      await this.audit.record(tx, actor, {
        organizationId: row.organizationId,
        action: 'webhook.delete',
        targetType: 'Webhook',
        targetId: id,
        details: { url: redactedUrl(row.url), events: row.events },
      });
    });
    return true;
  }

  /** An organization's webhooks (ADMIN and up: a URL may carry a receiver's token). */
  async listForOrganization(actor: Actor, organizationId: string): Promise<WebhookView[]> {
    requireOrgRole(actor, organizationId, 'ADMIN');
    return this.prisma.webhook.findMany({ where: { organizationId }, select: VIEW, orderBy: { createdAt: 'asc' } });
  }

  /** The platform's webhooks (operators). */
  async listPlatform(actor: Actor): Promise<WebhookView[]> {
    requireOperator(actor);
    return this.prisma.webhook.findMany({ where: { organizationId: null }, select: VIEW, orderBy: { createdAt: 'asc' } });
  }

  /** A webhook's latest deliveries, newest first; the caller has read the webhook through list*. */
  async deliveries(webhookId: string, first: number): Promise<WebhookDeliveryView[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { webhookId },
      orderBy: { createdAt: 'desc' },
      take: Math.min(Math.max(first, 1), 100),
      include: { event: { select: { type: true, eventKey: true } } },
    });
    return rows.map(({ event, ...row }) => ({ ...row, eventType: event.type, eventKey: event.eventKey }));
  }

  private async readable(actor: Actor, id: string, minimum: 'ADMIN') {
    const found = await this.prisma.webhook.findUnique({ where: { id } });
    if (found && found.organizationId === null) {
      if (!actor.isOperator) throw notFound('Webhook');
      return found;
    }
    return requireTenantRow(actor, found, found?.organizationId ?? undefined, 'Webhook', minimum);
  }
}

/** Every event type a webhook may name, for the GraphQL description. */
export const ALERT_EVENT_TYPES: readonly AlertEventType[] = [...ORGANIZATION_ALERT_EVENTS, ...PLATFORM_ALERT_EVENTS];

async function validateUrl(value: string, allowPrivate: boolean): Promise<string> {
  if (value.length > 2_000) throw badInput('url is at most 2,000 characters');
  try {
    return (await checkUpstreamUrl(value, allowPrivate)).toString();
  } catch (error) {
    if (error instanceof UpstreamAddressRefused) throw badInput(`url ${error.message}`);
    throw error;
  }
}

/** The audit log keeps where a webhook points, not a token in its query string. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}
