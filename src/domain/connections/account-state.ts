import type { Transaction } from '../../db/locks.js';
import type { ConnectionStatus, Prisma } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import type { AccountSnapshot, ConnectionEventType } from '../events/event-types.js';
import { publishEvents, recordEvent, recordEvents, type RecordedEvent } from '../events/outbox.js';

/**
 * The one place where a connected account changes state: the row is updated (compare-and-swap
 * on what the caller read) and the ConnectionEvent that records the change is written in the
 * same transaction; the caller publishes the event once the transaction has committed.
 */
export interface AccountChange {
  type: ConnectionEventType;
  /** The account's new status; omitted when it keeps its own (a re-authorization starting or failing). */
  status?: ConnectionStatus;
  /** Machine-readable reason of the new status (or of the event, when the status is kept). */
  reason?: string | null;
  /** The status the event reports when it is not the account's: a re-authorization's own INITIATED or FAILED. */
  eventStatus?: ConnectionStatus;
  connectLinkId?: string | null;
  /** Other columns written with the change: credentials, token times, refresh bookkeeping. */
  data?: Prisma.ConnectedAccountUncheckedUpdateManyInput;
  /** The change applies only while the row still matches this (e.g. the version that was read). */
  expect?: Prisma.ConnectedAccountWhereInput;
}

export interface AccountRef {
  id: string;
  projectId: string;
  status: ConnectionStatus;
}

/** The columns a change writes besides the version (which every change counts up). */
export function changedColumns(change: Pick<AccountChange, 'status' | 'reason' | 'data'>, now = new Date()) {
  return {
    ...change.data,
    ...(change.status ? { status: change.status, statusReason: change.reason ?? null, statusChangedAt: now } : {}),
  };
}

/** Applies a change inside the caller's transaction; null when the row no longer matched `expect`. */
export async function changeAccount(tx: Transaction, account: AccountRef, change: AccountChange): Promise<RecordedEvent | null> {
  const status = change.status ?? account.status;
  const updated = await tx.connectedAccount.updateMany({
    where: { id: account.id, ...change.expect },
    data: { ...changedColumns(change), version: { increment: 1 } },
  });
  if (updated.count !== 1) return null;
  return recordEvent(tx, {
    projectId: account.projectId,
    connectedAccountId: account.id,
    connectLinkId: change.connectLinkId ?? null,
    type: change.type,
    status: change.eventStatus ?? status,
    statusReason: change.reason ?? null,
  });
}

/** Applies a change in its own transaction and publishes its event; null when `expect` no longer held. */
export async function applyAccountChange(deps: CoreDeps, account: AccountRef, change: AccountChange): Promise<RecordedEvent | null> {
  const event = await deps.prisma.$transaction((tx) => changeAccount(tx, account, change));
  await publishEvents(deps, [event]);
  return event;
}

/** The event of an account's creation (INITIATED), written with it. */
export function recordAccountCreated(tx: Transaction, account: AccountRef, connectLinkId: string): Promise<RecordedEvent> {
  return recordEvent(tx, {
    projectId: account.projectId,
    connectedAccountId: account.id,
    connectLinkId,
    type: 'connection.initiated',
    status: 'INITIATED',
    statusReason: null,
  });
}

type DeletableAccount = AccountRef & { userId: string; alias: string | null; toolkit: string };

/**
 * Accounts created ACTIVE from imported credentials, with their `connection.imported` events,
 * in the caller's transaction: one statement for all the rows, so that bulk imports are fast.
 * Their ids are chosen by the caller, since each authenticates its credentials' ciphertext.
 */
export async function createImportedAccounts(
  tx: Transaction,
  rows: readonly (Prisma.ConnectedAccountCreateManyInput & { id: string })[],
): Promise<RecordedEvent[]> {
  if (rows.length === 0) return [];
  await tx.connectedAccount.createMany({ data: rows.map((row) => ({ ...row, status: 'ACTIVE' as const, statusReason: null })) });
  return recordEvents(
    tx,
    rows.map((row) => ({
      projectId: row.projectId,
      connectedAccountId: row.id,
      connectLinkId: null,
      type: 'connection.imported' as const,
      status: 'ACTIVE' as const,
      statusReason: null,
    })),
  );
}

/**
 * Deletes an account inside the caller's transaction; its events outlive it and say whose it was (for webhooks
 * retried or replayed later), and a last event records the deletion with `reason`.
 */
export async function removeAccount(tx: Transaction, account: DeletableAccount, reason = 'DELETED'): Promise<RecordedEvent> {
  const accountSnapshot: AccountSnapshot = { userId: account.userId, alias: account.alias, toolkit: account.toolkit };
  await tx.connectedAccount.delete({ where: { id: account.id } });
  await tx.connectionEvent.updateMany({ where: { connectedAccountId: account.id }, data: { accountSnapshot } });
  return recordEvent(tx, {
    projectId: account.projectId,
    connectedAccountId: account.id,
    connectLinkId: null,
    type: 'connection.deleted',
    status: account.status,
    statusReason: reason,
    accountSnapshot,
  });
}

/** Deletes an account in its own transaction and publishes the deletion. */
export async function deleteAccountRow(deps: CoreDeps, account: DeletableAccount) {
  const event = await deps.prisma.$transaction((tx) => removeAccount(tx, account));
  await publishEvents(deps, [event]);
}
