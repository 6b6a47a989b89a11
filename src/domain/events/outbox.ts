import { v7 as uuidv7 } from 'uuid';
import type { PrismaClient } from '../../db/index.js';
import type { Transaction } from '../../db/locks.js';
import { publishConnectionChanged } from '../../events/bus.js';
import type { ConnectionEvent, ConnectionStatus } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import type { AccountSnapshot, ConnectionEventType } from './event-types.js';

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

/** What the publisher needs of a recorded event: its ids, and what subscribers show of it. */
export interface RecordedEvent {
  id: string;
  connectedAccountId: string;
  connectLinkId: string | null;
  status: ConnectionStatus;
  statusReason: string | null;
  occurredAt: Date;
}

/** The whole row of a new event, id included, as the database functions take it. */
export function newEventRow(event: NewConnectionEvent, occurredAt = new Date()): ConnectionEvent {
  return {
    // Time-ordered, and increasing within this process: events of one link in the same
    // millisecond still sort in the order they happened (latest first is occurredAt, then id).
    id: uuidv7(),
    projectId: event.projectId,
    connectedAccountId: event.connectedAccountId,
    connectLinkId: event.connectLinkId,
    type: event.type,
    status: event.status,
    statusReason: event.statusReason,
    occurredAt,
    publishedAt: null,
    accountSnapshot: event.accountSnapshot ?? null,
  };
}

export function recordedEvent(row: ConnectionEvent): RecordedEvent {
  const { id, connectedAccountId, connectLinkId, status, statusReason, occurredAt } = row;
  return { id, connectedAccountId, connectLinkId, status, statusReason, occurredAt };
}

/**
 * Writes the outbox rows of state changes, inside the transaction that makes them, with the
 * webhook deliveries they owe: one statement (connect_record_events) for one event or an
 * import's thousands.
 */
export async function recordEvents(tx: Transaction, events: readonly NewConnectionEvent[]): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const now = new Date();
  const rows = events.map((event) => newEventRow(event, now));
  await tx.$executeRaw`SELECT "connect_record_events"(${JSON.stringify(rows)}::jsonb)`;
  return rows.map(recordedEvent);
}

/** Writes the outbox row of one state change (see recordEvents); every state change of every flow goes through it. */
export async function recordEvent(tx: Transaction, event: NewConnectionEvent): Promise<RecordedEvent> {
  const [recorded] = await recordEvents(tx, [event]);
  return recorded!;
}

/** Publishes one event; false (logged) when the bus could not take it: it stays in the outbox. */
async function publish(deps: CoreDeps, event: RecordedEvent): Promise<boolean> {
  try {
    await publishConnectionChanged(deps.bus, {
      eventId: event.id,
      connectedAccountId: event.connectedAccountId,
      connectLinkId: event.connectLinkId,
      status: event.status,
      statusReason: event.statusReason,
      occurredAt: event.occurredAt.toISOString(),
    });
    return true;
  } catch (error) {
    deps.logger.warn({ err: error, eventId: event.id }, 'event not published; the outbox relay will retry it');
    return false;
  }
}

async function publishAll<Event extends RecordedEvent>(deps: CoreDeps, events: readonly Event[]): Promise<Event[]> {
  const outcomes = await Promise.all(events.map((event) => publish(deps, event)));
  return events.filter((_, i) => outcomes[i]);
}

/** Records that the bus took these events, so the relay leaves them alone. */
export interface PublishedMarks {
  mark(eventIds: readonly string[]): Promise<void>;
}

/**
 * One UPDATE for the events of many requests instead of one per request: while an update runs,
 * the ids arriving meanwhile wait and go together in the next. Each caller resolves once its
 * own ids are written.
 */
export function createPublishedMarks(prisma: PrismaClient): PublishedMarks {
  let waiting: { ids: string[]; done: Promise<void> } | null = null;
  let running: Promise<void> = Promise.resolve();

  function write(ids: string[]): Promise<void> {
    return prisma.connectionEvent.updateMany({ where: { id: { in: ids } }, data: { publishedAt: new Date() } }).then(() => undefined);
  }

  return {
    mark(eventIds) {
      if (!waiting) {
        const batch: { ids: string[]; done: Promise<void> } = { ids: [], done: Promise.resolve() };
        // A failed update fails its callers only; the next batch starts regardless.
        batch.done = running.catch(() => undefined).then(() => {
          waiting = null;
          return write(batch.ids);
        });
        running = batch.done;
        waiting = batch;
      }
      waiting.ids.push(...eventIds);
      return waiting.done;
    },
  };
}

/**
 * Publishes committed events on the bus, marks those the bus took as published (the others
 * are relayed later) and starts their webhooks.
 */
export async function publishEvents(deps: CoreDeps, events: readonly (RecordedEvent | null)[]): Promise<void> {
  const recorded = events.filter((event): event is RecordedEvent => event !== null);
  if (recorded.length === 0) return;
  const published = await publishAll(deps, recorded);
  if (published.length > 0) await deps.publishedMarks.mark(published.map((e) => e.id));
  // Receivers hear within milliseconds instead of at the next sweep.
  deps.webhookDelivery.trigger();
}

/**
 * Publishes events whose publisher died between commit and publish, or that the bus could not
 * take. Rows are claimed with SKIP LOCKED, so several instances relaying at once never publish
 * a row twice, and only rows the bus took are marked published.
 */
export async function relayUnpublished(deps: CoreDeps, olderThanMs: number): Promise<number> {
  return deps.prisma.$transaction(async (tx) => {
    const cutoff = new Date(Date.now() - olderThanMs);
    const rows = await tx.$queryRaw<RecordedEvent[]>`
      SELECT id, "connectedAccountId", "connectLinkId", status::text AS status, "statusReason", "occurredAt" FROM "ConnectionEvent"
      WHERE "publishedAt" IS NULL AND "occurredAt" < ${cutoff}
      ORDER BY "occurredAt" LIMIT 100 FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return 0;
    const published = await publishAll(deps, rows);
    if (published.length > 0) {
      await tx.connectionEvent.updateMany({ where: { id: { in: published.map((r) => r.id) } }, data: { publishedAt: new Date() } });
    }
    return published.length;
  });
}
