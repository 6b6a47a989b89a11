import type { ConnectionEvent, ConnectionStatus } from '../../generated/prisma/client.js';
import { followBus, type Nudged } from '../../events/bus-stream.js';
import type { ConnectionChanged } from '../../events/bus.js';
import type { DomainDeps } from '../deps.js';
import { accountMarker, type WatchHandle, type WatchTarget } from './status-watch.js';

/** One state of a connection as a subscriber sees it. */
export interface StatusEvent {
  status: ConnectionStatus;
  statusReason: string | null;
  connectedAccountId: string;
  connectLinkId: string | null;
  occurredAt: Date;
}

/** A link's flow is over once it reached one of these. */
const FLOW_ENDS: readonly ConnectionStatus[] = ['ACTIVE', 'FAILED', 'EXPIRED'];

type EventFields = Pick<ConnectionEvent, 'id' | 'status' | 'statusReason' | 'connectedAccountId' | 'connectLinkId' | 'occurredAt'>;

/** The event a change on the bus names: carried with it, or (from an older publisher) read. */
async function eventOf(deps: DomainDeps, change: ConnectionChanged): Promise<EventFields | null> {
  if (change.status && change.occurredAt && change.statusReason !== undefined) {
    const { eventId: id, status, statusReason, connectedAccountId, connectLinkId, occurredAt } = change;
    return { id, status, statusReason, connectedAccountId, connectLinkId, occurredAt: new Date(occurredAt) };
  }
  return deps.prisma.connectionEvent.findUnique({ where: { id: change.eventId } });
}

function fromEvent(event: EventFields): StatusEvent {
  return {
    status: event.status,
    statusReason: event.statusReason,
    connectedAccountId: event.connectedAccountId,
    connectLinkId: event.connectLinkId,
    occurredAt: event.occurredAt,
  };
}

/** Registers a subscription with the status watch for as long as it is open. */
function watched(deps: DomainDeps, target: WatchTarget) {
  const ref: { handle?: WatchHandle } = {};
  const nudges = (nudge: () => void) => {
    ref.handle = deps.statusWatch.register(target, nudge);
    return () => ref.handle?.close();
  };
  return { nudges, seen: (marker: string) => ref.handle?.seen(marker) };
}

/**
 * The flow of one Connect Link: its current state, then every change, ending after the flow's
 * outcome. The bus subscription is live before the current state is read, so a change
 * committed meanwhile is not lost (and is not repeated: events are de-duplicated by id). When
 * the status watch says an event may have been missed, the latest one is read again.
 */
export function watchConnectLink(deps: DomainDeps, connectLinkId: string): AsyncIterableIterator<StatusEvent> {
  const watch = watched(deps, { kind: 'link', id: connectLinkId });
  return followBus(deps.bus, 'link:changed', connectLinkId, (changes) => followLink(deps, connectLinkId, watch.seen, changes), watch.nudges);
}

// The generators are declared once, not per subscription: a generator function made per call
// carries a prototype object of its own for as long as the subscription is open.
async function* followLink(
  deps: DomainDeps,
  connectLinkId: string,
  seenMarker: (marker: string) => void,
  changes: AsyncIterable<Nudged<ConnectionChanged>>,
): AsyncGenerator<StatusEvent> {
  const latest = () =>
    deps.prisma.connectionEvent.findFirst({ where: { connectLinkId }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] });
  const current = await latest();
  if (!current) return;
  const seen = new Set([current.id]);
  let lastAt = current.occurredAt;
  seenMarker(current.id);
  yield fromEvent(current);
  if (FLOW_ENDS.includes(current.status)) return;
  for await (const change of changes) {
    if (change && seen.has(change.eventId)) continue;
    const event = change ? await eventOf(deps, change) : await latest();
    // Redis may deliver an older event after a newer one was read as the current state.
    if (!event || seen.has(event.id) || event.occurredAt < lastAt) continue;
    seen.add(event.id);
    lastAt = event.occurredAt;
    seenMarker(event.id);
    yield fromEvent(event);
    if (FLOW_ENDS.includes(event.status)) return;
  }
}

/**
 * A connected account over its whole life: its current status, then every change of status or
 * reason, until the account is deleted.
 */
export function watchConnectedAccount(deps: DomainDeps, connectedAccountId: string): AsyncIterableIterator<StatusEvent> {
  const watch = watched(deps, { kind: 'account', id: connectedAccountId });
  return followBus(
    deps.bus,
    'account:changed',
    connectedAccountId,
    (changes) => followAccount(deps, connectedAccountId, watch.seen, changes),
    watch.nudges,
  );
}

async function* followAccount(
  deps: DomainDeps,
  connectedAccountId: string,
  seenMarker: (marker: string) => void,
  changes: AsyncIterable<Nudged<ConnectionChanged>>,
): AsyncGenerator<StatusEvent> {
  const read = () =>
    deps.prisma.connectedAccount.findUnique({
      where: { id: connectedAccountId },
      select: { status: true, statusReason: true, statusChangedAt: true },
    });
  let account = await read();
  if (!account) return;
  let lastKey = accountMarker(account);
  seenMarker(lastKey);
  yield { ...snapshot(account), connectedAccountId, connectLinkId: null };
  for await (const change of changes) {
    account = await read();
    if (!account) return;
    // Events that left status and reason alone (a re-authorization starting, a token
    // refresh) are not changes for this subscriber.
    if (accountMarker(account) === lastKey) continue;
    lastKey = accountMarker(account);
    seenMarker(lastKey);
    yield { ...snapshot(account), connectedAccountId, connectLinkId: change?.connectLinkId ?? null };
  }
}

function snapshot(account: { status: ConnectionStatus; statusReason: string | null; statusChangedAt: Date }) {
  return { status: account.status, statusReason: account.statusReason, occurredAt: account.statusChangedAt };
}
