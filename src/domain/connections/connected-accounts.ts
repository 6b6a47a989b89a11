import type { ConnectedAccount, ConnectionStatus } from '../../generated/prisma/client.js';
import { isOAuthScheme } from '../toolkits/auth-configs.js';
import { credentialFieldSchema } from '../../catalog/index.js';
import type { DomainDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { requestRevocation } from './oauth-client.js';
import { publishEvents, recordEvent, type ConnectionEventType } from '../events/outbox.js';
import { needsRefresh, refreshAccountOnce, tokenEndpointOf, type OAuthCredentials } from './refresh.js';

/** What tool execution gets: a usable token (refreshed first when due), or the API-key fields. */
export interface IssuedAccessToken {
  accessToken: string;
  tokenType: string;
  expiresAt: Date | null;
  scopes: string[];
  /** Every credential field of API-key, bearer and basic accounts; null for OAuth. */
  fields: Record<string, string> | null;
}

function findAccount(deps: DomainDeps, projectId: string, id: string) {
  return deps.prisma.connectedAccount.findFirst({
    where: { id, projectId },
    include: { toolkit: true, authConfig: true },
  });
}

async function requireAccount(deps: DomainDeps, projectId: string, id: string) {
  const account = await findAccount(deps, projectId, id);
  if (!account) throw notFound('Connected account');
  return account;
}

function refuseUnless(account: ConnectedAccount, status: ConnectionStatus, action: string) {
  if (account.status !== status) {
    const reason = account.statusReason ? ` (${account.statusReason})` : '';
    throw new DomainError('FORBIDDEN', `Cannot ${action}: the connected account is ${account.status}${reason}.`);
  }
}

/**
 * Hands out the account's credentials for tool execution. OAuth tokens due for refresh are
 * refreshed first (once, however many callers). This is the one operation that returns a secret.
 */
export async function issueAccessToken(deps: DomainDeps, projectId: string, id: string): Promise<IssuedAccessToken> {
  let account = await requireAccount(deps, projectId, id);
  refuseUnless(account, 'ACTIVE', 'issue an access token');
  if (isOAuthScheme(account.authConfig.authScheme) && needsRefresh(account)) {
    await refreshAccountOnce(deps, account.id);
    account = await requireAccount(deps, projectId, id);
    refuseUnless(account, 'ACTIVE', 'issue an access token');
    if (account.tokenExpiresAt && account.tokenExpiresAt.getTime() <= Date.now()) {
      throw new DomainError(
        'PROVIDER_UNAVAILABLE',
        `The access token expired and the provider could not refresh it (${account.lastRefreshError ?? 'unknown error'}); retry later.`,
      );
    }
  }
  const stored = deps.keyRing.decryptJson<Record<string, unknown>>(account.encryptedCredentials!, account.id);
  if (isOAuthScheme(account.authConfig.authScheme)) {
    const credentials = stored as unknown as OAuthCredentials;
    return {
      accessToken: credentials.accessToken,
      tokenType: credentials.tokenType,
      expiresAt: account.tokenExpiresAt,
      scopes: account.scopes,
      fields: null,
    };
  }
  const fields = Object.fromEntries(
    Object.entries(stored).filter((entry): entry is [string, string] => entry[0] !== 'scheme' && typeof entry[1] === 'string'),
  );
  const declared = credentialFieldSchema.array().parse(account.toolkit.fields);
  const main = declared.find((f) => f.secret && fields[f.name]) ?? declared.find((f) => fields[f.name]);
  return {
    accessToken: main ? fields[main.name]! : '',
    tokenType: account.authConfig.authScheme,
    expiresAt: null,
    scopes: account.scopes,
    fields,
  };
}

async function transition(
  deps: DomainDeps,
  account: ConnectedAccount,
  change: { status: ConnectionStatus; reason: string | null; type: ConnectionEventType; eraseCredentials?: boolean },
) {
  const event = await deps.prisma.$transaction(async (tx) => {
    const updated = await tx.connectedAccount.updateMany({
      where: { id: account.id, version: account.version },
      data: {
        status: change.status,
        statusReason: change.reason,
        statusChangedAt: new Date(),
        version: { increment: 1 },
        ...(change.eraseCredentials
          ? { encryptedCredentials: null, credentialsKeyId: null, tokenExpiresAt: null, nextRefreshAt: null }
          : {}),
      },
    });
    if (updated.count !== 1) throw new DomainError('CONFLICT', 'The connected account changed meanwhile; try again.');
    return recordEvent(tx, {
      projectId: account.projectId,
      connectedAccountId: account.id,
      connectLinkId: null,
      type: change.type,
      status: change.status,
      statusReason: change.reason,
    });
  });
  await publishEvents(deps, [event]);
  return deps.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
}

/** INACTIVE accounts keep their credentials but issueAccessToken refuses them. */
export async function setAccountEnabled(deps: DomainDeps, projectId: string, id: string, enabled: boolean) {
  const account = await requireAccount(deps, projectId, id);
  if (enabled) {
    refuseUnless(account, 'INACTIVE', 'enable it');
    return transition(deps, account, { status: 'ACTIVE', reason: null, type: 'connection.enabled' });
  }
  refuseUnless(account, 'ACTIVE', 'disable it');
  return transition(deps, account, { status: 'INACTIVE', reason: 'DISABLED', type: 'connection.disabled' });
}

/**
 * Revokes at the provider when the toolkit has a revocation endpoint (the refresh token, which
 * takes the access token with it), then erases the credentials. The account stays, REVOKED, as
 * a record; `providerRevoked` says whether the provider confirmed.
 */
export async function revokeAccount(deps: DomainDeps, projectId: string, id: string) {
  const account = await requireAccount(deps, projectId, id);
  if (account.status === 'REVOKED') throw new DomainError('CONFLICT', 'The connected account is already revoked.');
  let providerRevoked = false;
  if (account.encryptedCredentials && isOAuthScheme(account.authConfig.authScheme) && account.toolkit.revokeUrl) {
    const credentials = deps.keyRing.decryptJson<OAuthCredentials>(account.encryptedCredentials, account.id);
    const endpoint = tokenEndpointOf(deps, account);
    providerRevoked = await requestRevocation(endpoint, credentials.refreshToken ?? credentials.accessToken);
    if (credentials.refreshToken) await requestRevocation(endpoint, credentials.accessToken);
  }
  const revoked = await transition(deps, account, {
    status: 'REVOKED',
    reason: providerRevoked ? 'REVOKED_AT_PROVIDER' : 'REVOKED',
    type: 'connection.revoked',
    eraseCredentials: true,
  });
  return { account: revoked, providerRevoked };
}

/** Deletes the account (its links with it), optionally revoking first; the event outlives it. */
export async function deleteAccount(deps: DomainDeps, projectId: string, id: string, revokeFirst: boolean) {
  let account = await requireAccount(deps, projectId, id);
  let providerRevoked = false;
  if (revokeFirst && account.status !== 'REVOKED') {
    const revoked = await revokeAccount(deps, projectId, id);
    providerRevoked = revoked.providerRevoked;
    account = { ...account, ...revoked.account };
  }
  const accountSnapshot = { userId: account.userId, alias: account.alias, toolkit: account.toolkit.slug };
  const event = await deps.prisma.$transaction(async (tx) => {
    await tx.connectedAccount.delete({ where: { id: account.id } });
    // Its earlier events outlive it too; their webhooks (retried or replayed) still say whose it was.
    await tx.connectionEvent.updateMany({ where: { connectedAccountId: account.id }, data: { accountSnapshot } });
    return recordEvent(tx, {
      projectId: account.projectId,
      connectedAccountId: account.id,
      connectLinkId: null,
      type: 'connection.deleted',
      status: account.status,
      statusReason: 'DELETED',
      accountSnapshot,
    });
  });
  await publishEvents(deps, [event]);
  return { deletedId: account.id, providerRevoked };
}
