import type { Transaction } from '../../db/locks.js';
import { publishConnectionChanged } from '../../events/bus.js';
import type { ConnectionStatus } from '../../generated/prisma/client.js';
import type { DomainDeps } from '../deps.js';
import { enqueueWebhookDeliveries, triggerWebhookDelivery } from './webhook-delivery.js';

/** Kinds of ConnectionEvent rows; webhooks and subscriptions see these names. */
export type ConnectionEventType =
  /** authorize created the account (INITIATED). */
  | 'connection.initiated'
  /** authorize started re-authorizing an existing account; its status is unchanged. */
  | 'connection.reauthorization_started'
  /** A flow completed: the account is ACTIVE. */
  | 'connection.active'
  /** A flow was refused or broke (FAILED, or unchanged status on re-authorization). */
  | 'connection.failed'
  /** A link was not used in time (INITIATION_TIMEOUT). */
  | 'connection.expired'
  /** The provider refused a refresh for good (EXPIRED with the OAuth error as reason). */
  | 'connection.refresh_failed'
  | 'connection.enabled'
  | 'connection.disabled'
  | 'connection.revoked'
  | 'connection.deleted';

export interface NewConnectionEvent {
  projectId: string;
  connectedAccountId: string;
  connectLinkId: string | null;
  type: ConnectionEventType;
  status: ConnectionStatus;
  statusReason: string | null;
  /** Only for the deletion event, which outlives the account: who it belonged to. */
  accountSnapshot?: AccountSnapshot;
}

// A type, not an interface, so that Prisma accepts it as JSON.
export type AccountSnapshot = {
  userId: string;
  alias: string | null;
  toolkit: string;
};

export interface RecordedEvent {
  id: string;
  connectedAccountId: string;
  connectLinkId: string | null;
}

/**
 * Writes the outbox row of a state change, inside the transaction that makes the change, and
 * the webhook deliveries it owes (same transaction: no committed event can miss its webhooks).
 */
export async function recordEvent(tx: Transaction, event: NewConnectionEvent): Promise<RecordedEvent> {
  const row = await tx.connectionEvent.create({ data: event, select: { id: true } });
  await enqueueWebhookDeliveries(tx, { id: row.id, projectId: event.projectId, type: event.type });
  return { id: row.id, connectedAccountId: event.connectedAccountId, connectLinkId: event.connectLinkId };
}

/** Publishes committed events on the bus, marks them published and starts their webhooks. */
export async function publishEvents(deps: DomainDeps, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const event of events) {
    publishConnectionChanged(deps.bus, {
      eventId: event.id,
      connectedAccountId: event.connectedAccountId,
      connectLinkId: event.connectLinkId,
    });
  }
  await deps.prisma.connectionEvent.updateMany({
    where: { id: { in: events.map((e) => e.id) } },
    data: { publishedAt: new Date() },
  });
  // Receivers hear within milliseconds instead of at the next sweep; not awaited (errors logged).
  void triggerWebhookDelivery(deps);
}

/**
 * Publishes events whose publisher died between commit and publish. Rows are claimed with
 * SKIP LOCKED, so several instances relaying at once never publish a row twice.
 */
export async function relayUnpublished(deps: DomainDeps, olderThanMs = 5_000): Promise<number> {
  const events = await deps.prisma.$transaction(async (tx) => {
    const cutoff = new Date(Date.now() - olderThanMs);
    const rows = await tx.$queryRaw<RecordedEvent[]>`
      SELECT id, "connectedAccountId", "connectLinkId" FROM "ConnectionEvent"
      WHERE "publishedAt" IS NULL AND "occurredAt" < ${cutoff}
      ORDER BY "occurredAt" LIMIT 100 FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return [];
    await tx.connectionEvent.updateMany({
      where: { id: { in: rows.map((r) => r.id) } },
      data: { publishedAt: new Date() },
    });
    return rows;
  });
  for (const event of events) {
    publishConnectionChanged(deps.bus, {
      eventId: event.id,
      connectedAccountId: event.connectedAccountId,
      connectLinkId: event.connectLinkId,
    });
  }
  return events.length;
}
