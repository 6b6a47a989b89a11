import type { ConnectionEvent, ConnectionStatus } from '../../generated/prisma/client.js';
import { followBus } from '../../events/bus.js';
import type { DomainDeps } from '../deps.js';

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

function fromEvent(event: ConnectionEvent): StatusEvent {
  return {
    status: event.status,
    statusReason: event.statusReason,
    connectedAccountId: event.connectedAccountId,
    connectLinkId: event.connectLinkId,
    occurredAt: event.occurredAt,
  };
}

/**
 * The flow of one Connect Link: its current state, then every change, ending after the flow's
 * outcome. The bus subscription is live before the current state is read, so a change
 * committed meanwhile is not lost (and is not repeated: events are de-duplicated by id).
 */
export function watchConnectLink(deps: DomainDeps, connectLinkId: string): AsyncIterableIterator<StatusEvent> {
  return followBus(deps.bus, deps.bus.subscribe('link:changed', connectLinkId), async function* (changes) {
    const current = await deps.prisma.connectionEvent.findFirst({
      where: { connectLinkId },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    });
    if (!current) return;
    const seen = new Set([current.id]);
    let last = current;
    yield fromEvent(current);
    if (FLOW_ENDS.includes(current.status)) return;
    for await (const change of changes) {
      if (seen.has(change.eventId)) continue;
      seen.add(change.eventId);
      const event = await deps.prisma.connectionEvent.findUnique({ where: { id: change.eventId } });
      // Redis may deliver an older event after a newer one was read as the current state.
      if (!event || event.occurredAt < last.occurredAt) continue;
      last = event;
      yield fromEvent(event);
      if (FLOW_ENDS.includes(event.status)) return;
    }
  });
}

/**
 * A connected account over its whole life: its current status, then every change of status or
 * reason, until the account is deleted.
 */
export function watchConnectedAccount(deps: DomainDeps, connectedAccountId: string): AsyncIterableIterator<StatusEvent> {
  const read = () =>
    deps.prisma.connectedAccount.findUnique({
      where: { id: connectedAccountId },
      select: { status: true, statusReason: true, statusChangedAt: true },
    });
  const key = (a: { status: string; statusReason: string | null; statusChangedAt: Date }) =>
    `${a.status}|${a.statusReason}|${a.statusChangedAt.getTime()}`;
  return followBus(deps.bus, deps.bus.subscribe('account:changed', connectedAccountId), async function* (changes) {
    let account = await read();
    if (!account) return;
    let lastKey = key(account);
    yield { ...snapshot(account), connectedAccountId, connectLinkId: null };
    for await (const change of changes) {
      account = await read();
      if (!account) return;
      // Events that left status and reason alone (a re-authorization starting, a token
      // refresh) are not changes for this subscriber.
      if (key(account) === lastKey) continue;
      lastKey = key(account);
      yield { ...snapshot(account), connectedAccountId, connectLinkId: change.connectLinkId };
    }
  });
}

function snapshot(account: { status: ConnectionStatus; statusReason: string | null; statusChangedAt: Date }) {
  return { status: account.status, statusReason: account.statusReason, occurredAt: account.statusChangedAt };
}
