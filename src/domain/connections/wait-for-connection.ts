import type { ConnectionStatus } from '../../generated/prisma/client.js';
import type { Caller } from '../access/caller.js';
import { visibleAccountsWhere, visibleLinksWhere } from '../access/visibility.js';
import type { DomainDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { watchConnectLink, type StatusEvent } from './connection-status.js';

/** The longest an agent may wait in one call: a Connect Link lives 10 minutes by default. */
export const MAX_WAIT_SECONDS = 300;

export interface WaitOutcome {
  /** The last state seen. */
  state: StatusEvent;
  /** True once the flow ended (ACTIVE, FAILED, EXPIRED) or there was none to wait for; false on timeout. */
  ended: boolean;
}

export interface WaitInput {
  connectLinkId?: string | null | undefined;
  connectedAccountId?: string | null | undefined;
  timeoutMs: number;
  /** Each state as it is seen, the current one first (for progress reports). */
  onState?: (state: StatusEvent) => void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * Waits until a connection flow ends, driven by the same bus events as the `connectionStatus`
 * subscription (no polling). By account: an ACTIVE account is done at once; otherwise its newest
 * pending link is followed; with none, its current state is the answer.
 */
export async function waitForConnection(deps: DomainDeps, caller: Caller, input: WaitInput): Promise<WaitOutcome> {
  if (!input.connectLinkId === !input.connectedAccountId) {
    throw new DomainError('BAD_USER_INPUT', 'Pass exactly one of connectLinkId and connectedAccountId.');
  }
  let linkId: string;
  if (input.connectLinkId) {
    const link = await deps.prisma.connectLink.findFirst({
      where: { id: input.connectLinkId, ...visibleLinksWhere(caller) },
      select: { id: true },
    });
    if (!link) throw notFound('Connect link');
    linkId = link.id;
  } else {
    const account = await deps.prisma.connectedAccount.findFirst({
      where: { id: input.connectedAccountId!, ...visibleAccountsWhere(caller) },
      include: { connectLinks: { where: { status: 'PENDING' }, orderBy: { createdAt: 'desc' }, take: 1 } },
    });
    if (!account) throw notFound('Connected account');
    const pending = account.connectLinks[0];
    if (account.status === 'ACTIVE' || !pending) {
      const state: StatusEvent = {
        status: account.status,
        statusReason: account.statusReason,
        connectedAccountId: account.id,
        connectLinkId: null,
        occurredAt: account.statusChangedAt,
      };
      await input.onState?.(state);
      return { state, ended: true };
    }
    linkId = pending.id;
  }
  return followUntilEnd(deps, linkId, input);
}

const FLOW_ENDS: readonly ConnectionStatus[] = ['ACTIVE', 'FAILED', 'EXPIRED'];

async function followUntilEnd(deps: DomainDeps, linkId: string, input: WaitInput): Promise<WaitOutcome> {
  const states = watchConnectLink(deps, linkId);
  const stop = () => void states.return?.();
  const timer = setTimeout(stop, input.timeoutMs);
  input.signal?.addEventListener('abort', stop, { once: true });
  let last: StatusEvent | undefined;
  try {
    for await (const state of states) {
      last = state;
      await input.onState?.(state);
      if (FLOW_ENDS.includes(state.status)) return { state, ended: true };
    }
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', stop);
  }
  if (last) return { state: last, ended: false };
  // Timed out before even the current state was read: report the account as it is.
  const link = await deps.prisma.connectLink.findUniqueOrThrow({ where: { id: linkId }, include: { connectedAccount: true } });
  const { connectedAccount: account } = link;
  return {
    state: { status: account.status, statusReason: account.statusReason, connectedAccountId: account.id, connectLinkId: link.id, occurredAt: account.statusChangedAt },
    ended: false,
  };
}
