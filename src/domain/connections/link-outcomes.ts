import type { Prisma } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { publishEvents, type RecordedEvent } from '../events/outbox.js';
import { changeAccount } from './account-state.js';
import { linkFieldValues } from './connect-links.js';
import type { Credentials } from './credentials.js';
import { freshTokenColumns } from './refresh.js';

// How a Connect Link's flow ends: completed (the account ACTIVE with its credentials), failed
// (refused by the user or the provider), or expired (not used in time).

/** What a completed flow brings: the credentials, the scopes granted, the token's lifetime. */
export interface FlowResult {
  credentials: Credentials;
  scopes: string[];
  expiresInSeconds: number | null;
}

/**
 * Completes a flow: consumes the link (exactly once, atomically), stores the credentials
 * encrypted with the account id as associated data, and marks the account ACTIVE.
 */
export async function completeLink(
  deps: CoreDeps,
  linkId: string,
  result: FlowResult,
): Promise<{ connectedAccountId: string; callbackUrl: string | null }> {
  const { event, link } = await deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    const claimed = await tx.connectLink.updateMany({
      where: { id: linkId, status: 'PENDING', consumedAt: null, expiresAt: { gt: now } },
      data: { status: 'COMPLETED', consumedAt: now },
    });
    if (claimed.count !== 1) throw new DomainError('CONFLICT', 'This link was already used or has expired.');
    const link = await tx.connectLink.findUniqueOrThrow({
      where: { id: linkId },
      include: { connectedAccount: true, authConfig: { select: { fieldValues: true } } },
    });
    const event = await changeAccount(tx, link.connectedAccount, {
      type: 'connection.active',
      status: 'ACTIVE',
      connectLinkId: link.id,
      data: {
        authConfigId: link.authConfigId,
        // The endpoints this account's tokens belong to, for every later refresh and revocation.
        fieldValues: linkFieldValues(link) as Prisma.InputJsonValue,
        ...freshTokenColumns(deps, link.connectedAccountId, result.credentials, result.expiresInSeconds, now.getTime()),
        scopes: result.scopes,
        refreshClaimId: null,
        refreshClaimedUntil: null,
      },
    });
    return { event, link };
  });
  await publishEvents(deps, [event]);
  return { connectedAccountId: link.connectedAccountId, callbackUrl: link.callbackUrl };
}

/**
 * Ends a flow that the provider or the user refused. A new account becomes FAILED with the
 * reason; an account being re-authorized keeps its status (its old credentials still stand).
 */
export async function failLink(
  deps: CoreDeps,
  linkId: string,
  reason: string,
): Promise<{ connectedAccountId: string; callbackUrl: string | null } | null> {
  const outcome = await deps.prisma.$transaction(async (tx) => {
    const claimed = await tx.connectLink.updateMany({ where: { id: linkId, status: 'PENDING' }, data: { status: 'FAILED' } });
    if (claimed.count !== 1) return null;
    const link = await tx.connectLink.findUniqueOrThrow({ where: { id: linkId }, include: { connectedAccount: true } });
    const isNew = link.connectedAccount.status === 'INITIATED';
    const event = await changeAccount(tx, link.connectedAccount, {
      type: 'connection.failed',
      ...(isNew ? { status: 'FAILED' as const } : { eventStatus: 'FAILED' as const }),
      reason,
      connectLinkId: link.id,
    });
    return { event, link };
  });
  if (!outcome) return null;
  await publishEvents(deps, [outcome.event]);
  return { connectedAccountId: outcome.link.connectedAccountId, callbackUrl: outcome.link.callbackUrl };
}

export const INITIATION_TIMEOUT = 'INITIATION_TIMEOUT';

/**
 * Marks links unused past their expiry EXPIRED (and accounts still INITIATED by them), a batch
 * at a time. Rows are claimed with SKIP LOCKED, so sweepers on every instance share the work.
 */
export async function expireLinks(deps: CoreDeps, batchSize = 100): Promise<number> {
  const events = await deps.prisma.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "ConnectLink"
      WHERE status = 'PENDING' AND "expiresAt" <= now()
      ORDER BY "expiresAt" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
    const recorded: (RecordedEvent | null)[] = [];
    for (const { id } of due) {
      const link = await tx.connectLink.update({ where: { id }, data: { status: 'EXPIRED' }, include: { connectedAccount: true } });
      const isNew = link.connectedAccount.status === 'INITIATED';
      recorded.push(
        await changeAccount(tx, link.connectedAccount, {
          type: 'connection.expired',
          ...(isNew ? { status: 'EXPIRED' as const } : { eventStatus: 'EXPIRED' as const }),
          reason: INITIATION_TIMEOUT,
          connectLinkId: link.id,
        }),
      );
    }
    return recorded;
  });
  await publishEvents(deps, events);
  return events.filter(Boolean).length;
}
