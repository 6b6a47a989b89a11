import { randomUUID } from 'node:crypto';
import { lockKey } from '../../db/locks.js';
import type { ConnectedAccount, ConnectLink } from '../../generated/prisma/client.js';
import type { DomainDeps } from '../deps.js';
import { newEventRow, recordedEvent, type RecordedEvent } from '../events/outbox.js';

// The common case of authorize and ensureConnection, a user connecting a toolkit for the first
// time, in one statement: the database function connect_start_new_account (migration
// connection_write_functions) takes the connection's lock, checks that no account exists, and
// inserts the rows made here. It is most of what an agent's backend waits for while its user waits.

export interface NewAccountRows {
  account: ConnectedAccount;
  link: ConnectLink;
  event: RecordedEvent;
}

/** The rows of a new account's flow, whole (the type names every column), as the database is to hold them. */
export interface NewAccountInput {
  projectId: string;
  userId: string;
  toolkitId: string;
  authConfigId: string;
  alias: string | null;
  link: Pick<ConnectLink, 'id' | 'tokenHash' | 'encryptedToken' | 'tokenKeyId' | 'sessionId' | 'callbackUrl' | 'expiresAt'>;
}

function rowsOf(input: NewAccountInput, now: Date) {
  const account: ConnectedAccount = {
    id: randomUUID(),
    projectId: input.projectId,
    userId: input.userId,
    toolkitId: input.toolkitId,
    authConfigId: input.authConfigId,
    alias: input.alias,
    status: 'INITIATED',
    statusReason: null,
    encryptedCredentials: null,
    credentialsKeyId: null,
    encryptedProviderAccount: null,
    providerAccountKeyId: null,
    fieldValues: {},
    scopes: [],
    tokenExpiresAt: null,
    tokenObtainedAt: null,
    nextRefreshAt: null,
    lastRefreshedAt: null,
    lastRefreshAttemptAt: null,
    refreshAttempts: 0,
    lastRefreshError: null,
    refreshClaimId: null,
    refreshClaimedUntil: null,
    version: 0,
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
  };
  const link: ConnectLink = {
    ...input.link,
    connectedAccountId: account.id,
    authConfigId: input.authConfigId,
    fieldValues: {},
    status: 'PENDING',
    browserBindingHash: null,
    consumedAt: null,
    createdAt: now,
  };
  const event = newEventRow(
    {
      projectId: input.projectId,
      connectedAccountId: account.id,
      connectLinkId: link.id,
      type: 'connection.initiated',
      status: 'INITIATED',
      statusReason: null,
    },
    now,
  );
  return { account, link, event };
}

/**
 * Creates the account and its flow when the user has none at the toolkit (and alias) yet; null,
 * with nothing written, when one exists. `lockName` is the connection's advisory lock, the one
 * the general path takes, so the two never both create an account.
 */
export async function startNewAccount(deps: DomainDeps, lockName: string, input: NewAccountInput): Promise<NewAccountRows | null> {
  const rows = rowsOf(input, new Date());
  const [{ created }] = await deps.prisma.$queryRaw<[{ created: boolean }]>`
    SELECT "connect_start_new_account"(${lockKey(lockName)}, ${JSON.stringify(rows)}::jsonb) AS created`;
  if (!created) return null;
  const { account, link, event } = rows;
  return { account, link, event: recordedEvent(event) };
}
