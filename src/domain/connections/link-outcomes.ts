import type { Transaction } from '../../db/locks.js';
import type { AuthConfig, ConnectedAccount, ConnectLinkStatus, Prisma, Toolkit } from '../../generated/prisma/client.js';
import type { KeyRing } from '../crypto/encryption.js';
import type { CoreDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { newEventRow, publishEvents, recordedEvent, type RecordedEvent } from '../events/outbox.js';
import { changeAccount, changedColumns, removeAccount } from './account-state.js';
import { linkFieldValues } from './connect-links.js';
import type { Credentials } from './credentials.js';
import { learnAccountMetadata } from './account-metadata.js';
import { learnProviderAccount, openProviderAccount, sealProviderAccount, type ProviderAccount } from './provider-account.js';
import { freshTokenColumns } from './refresh.js';

// How a Connect Link's flow ends: completed (the account ACTIVE with its credentials), failed
// (refused by the user or the provider), or expired (not used in time).

/** What a completed flow brings: the credentials, the scopes granted, the token's lifetime. */
export interface FlowResult {
  credentials: Credentials;
  scopes: string[];
  expiresInSeconds: number | null;
  /** The OAuth token endpoint's whole answer, for catalog metadata read from it (never stored as such). */
  tokenResponse?: Readonly<Record<string, unknown>>;
}

/** The values an account's endpoints and API URLs are filled with: the link's, plus the metadata learnt after it. */
/** What completing a link needs to know of it before the claim. */
export interface PendingLink {
  id: string;
  status: ConnectLinkStatus;
  connectedAccountId: string;
  authConfigId: string;
  callbackUrl: string | null;
  fieldValues: unknown;
  connectedAccount: { projectId: string; toolkit: Toolkit };
  authConfig: AuthConfig;
}

async function accountValues(deps: CoreDeps, pending: PendingLink, result: FlowResult) {
  const context = {
    toolkit: pending.connectedAccount.toolkit,
    authConfig: pending.authConfig,
    credentials: result.credentials,
    fieldValues: linkFieldValues(pending),
  };
  const metadata = await learnAccountMetadata(deps, context, result.tokenResponse ?? {});
  const fieldValues = { ...context.fieldValues, ...metadata };
  return { metadata, providerAccount: await learnProviderAccount(deps, { ...context, fieldValues }) };
}

/**
 * The account of the same user, toolkit and provider account, when the flow made a new account without an alias:
 * connecting the same provider account again reuses it rather than making a duplicate. Disabled accounts are left
 * alone (the developer disabled them), as are other flows still in progress.
 */
async function sameProviderAccount(
  tx: Transaction,
  keyRing: KeyRing,
  account: ConnectedAccount,
  providerAccountId: string,
): Promise<ConnectedAccount | null> {
  if (account.status !== 'INITIATED' || account.alias !== null) return null;
  const candidates = await tx.connectedAccount.findMany({
    where: {
      projectId: account.projectId,
      userId: account.userId,
      toolkitId: account.toolkitId,
      id: { not: account.id },
      status: { notIn: ['INITIATED', 'INACTIVE'] },
      encryptedProviderAccount: { not: null },
    },
    orderBy: { createdAt: 'asc' },
  });
  return candidates.find((candidate) => openProviderAccount(keyRing, candidate)?.id === providerAccountId) ?? null;
}

const LINK_USED = 'This link was already used or has expired.';

/**
 * Completes a flow: consumes the link (exactly once, atomically), stores the credentials and the provider account
 * learnt with them encrypted with the account id as associated data, and marks the account ACTIVE. When the user
 * connected a provider account they had already connected, that account takes the new credentials and the link,
 * and the flow's new account is deleted (reason MERGED).
 */
export async function completeLink(
  deps: CoreDeps,
  // The link as the route read it to serve the flow (the claim below re-checks what matters), or its id.
  linkOrId: PendingLink | string,
  result: FlowResult,
): Promise<{ connectedAccountId: string; callbackUrl: string | null; providerAccount: ProviderAccount | null }> {
  const linkId = typeof linkOrId === 'string' ? linkOrId : linkOrId.id;
  const pending =
    typeof linkOrId === 'string'
      ? await deps.prisma.connectLink.findUnique({ where: { id: linkId }, include: { connectedAccount: { include: { toolkit: true } }, authConfig: true } })
      : linkOrId;
  if (!pending) throw new DomainError('CONFLICT', LINK_USED);
  const { metadata, providerAccount } =
    pending.status === 'PENDING' ? await accountValues(deps, pending, result) : { metadata: {}, providerAccount: null };
  const now = new Date();
  // The account's columns a completed flow writes (its version is counted up besides).
  const columns = (accountId: string) => ({
    authConfigId: pending.authConfigId,
    // The endpoints this account's tokens belong to, for every later refresh and revocation.
    fieldValues: { ...linkFieldValues(pending), ...metadata } as Prisma.InputJsonValue,
    ...freshTokenColumns(deps, accountId, result.credentials, result.expiresInSeconds, now.getTime()),
    ...(providerAccount ? sealProviderAccount(deps.keyRing, accountId, providerAccount) : {}),
    scopes: result.scopes,
    refreshClaimId: null,
    refreshClaimedUntil: null,
  });
  if (!providerAccount) {
    // No account to merge with: the claim, the account and the event in one statement.
    const accountId = pending.connectedAccountId;
    const event = newEventRow(
      { projectId: pending.connectedAccount.projectId, connectedAccountId: accountId, connectLinkId: linkId, type: 'connection.active', status: 'ACTIVE', statusReason: null },
      now,
    );
    // Prisma sets updatedAt on its own updates; this one is not Prisma's.
    const account = { ...changedColumns({ status: 'ACTIVE', data: columns(accountId) }, now), updatedAt: now };
    const [{ completed }] = await deps.prisma.$queryRaw<[{ completed: boolean }]>`
      SELECT "connect_complete_link"(${linkId}, ${accountId}, ${now}::timestamp(3), ${JSON.stringify(account)}::jsonb, ${JSON.stringify(event)}::jsonb) AS completed`;
    if (!completed) throw new DomainError('CONFLICT', LINK_USED);
    await publishEvents(deps, [recordedEvent(event)]);
    return { connectedAccountId: accountId, callbackUrl: pending.callbackUrl, providerAccount: null };
  }
  // A provider account was learnt: the user may have connected it before, and that account then
  // takes the flow over (decided on the accounts as they are now, in the claim's transaction).
  const { events, accountId } = await deps.prisma.$transaction(async (tx) => {
    const claimed = await tx.connectLink.updateMany({
      where: { id: linkId, status: 'PENDING', consumedAt: null, expiresAt: { gt: now } },
      data: { status: 'COMPLETED', consumedAt: now },
    });
    if (claimed.count !== 1) throw new DomainError('CONFLICT', LINK_USED);
    // Of the link, nothing read before the claim can have changed since: only its claim (this
    // one) moves it to another account, and toolkit and auth config never change.
    const current = await tx.connectedAccount.findUniqueOrThrow({ where: { id: pending.connectedAccountId } });
    const existing = await sameProviderAccount(tx, deps.keyRing, current, providerAccount.id);
    const merged: RecordedEvent[] = [];
    if (existing) {
      await tx.connectLink.update({ where: { id: linkId }, data: { connectedAccountId: existing.id } });
      merged.push(await removeAccount(tx, { ...current, toolkit: pending.connectedAccount.toolkit.slug }, 'MERGED'));
    }
    const account = existing ?? current;
    const event = await changeAccount(tx, account, { type: 'connection.active', status: 'ACTIVE', connectLinkId: linkId, data: columns(account.id) });
    return { events: [...merged, event], accountId: account.id };
  });
  await publishEvents(deps, events);
  return { connectedAccountId: accountId, callbackUrl: pending.callbackUrl, providerAccount };
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
