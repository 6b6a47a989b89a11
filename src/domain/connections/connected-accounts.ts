import type { ConnectedAccount, ConnectionStatus } from '../../generated/prisma/client.js';
import { storedCredentialFieldSchema } from '../../catalog/index.js';
import { requireApiKey, type Caller } from '../access/caller.js';
import { visibleAccountsWhere } from '../access/visibility.js';
import type { DomainDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { applyAccountChange, deleteAccountRow, type AccountChange } from './account-state.js';
import { openCredentials } from './credentials.js';
import { requestRevocation } from './oauth-client.js';
import { tokenEndpointOf } from './refresh.js';

/** What tool execution gets: a usable token (refreshed first when due), or the API-key fields. */
export interface IssuedAccessToken {
  accessToken: string;
  tokenType: string;
  expiresAt: Date | null;
  scopes: string[];
  /** Every credential field of API-key, bearer and basic accounts; null for OAuth. */
  fields: Record<string, string> | null;
}

/** An account the caller may see, with what using it needs; NOT_FOUND otherwise. */
export async function findAccount(deps: DomainDeps, caller: Caller, id: string) {
  const account = await deps.prisma.connectedAccount.findFirst({
    where: { id, ...visibleAccountsWhere(caller) },
    include: { toolkit: true, authConfig: true },
  });
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
 * An ACTIVE account whose token is usable now: refreshed first when it is due (once, however
 * many callers), PROVIDER_UNAVAILABLE when it expired and the provider cannot refresh it.
 */
export async function usableAccount(deps: DomainDeps, caller: Caller, id: string, options: { since?: Date; force?: boolean } = {}) {
  let account = await findAccount(deps, caller, id);
  refuseUnless(account, 'ACTIVE', 'use it');
  if (account.tokenExpiresAt !== null || options.force) {
    const outcome = await deps.refresher.ensureFresh(account.id, { ...options, seenVersion: account.version });
    if (outcome !== 'fresh') account = await findAccount(deps, caller, id);
    refuseUnless(account, 'ACTIVE', 'use it');
    if (account.tokenExpiresAt && account.tokenExpiresAt.getTime() <= Date.now()) {
      throw new DomainError(
        'PROVIDER_UNAVAILABLE',
        `The access token expired and the provider could not refresh it (${account.lastRefreshError ?? 'unknown error'}); retry later.`,
      );
    }
  }
  return account;
}

/**
 * Hands out the account's credentials for tool execution, refreshing OAuth tokens first when
 * due. The one operation that returns a secret: project API key only.
 */
export async function issueAccessToken(deps: DomainDeps, caller: Caller, input: { connectedAccountId: string }): Promise<IssuedAccessToken> {
  requireApiKey(caller, 'issueAccessToken');
  const since = new Date();
  const account = await usableAccount(deps, caller, input.connectedAccountId, { since });
  const credentials = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! });
  if (credentials.scheme === 'OAUTH2' || credentials.scheme === 'OAUTH1') {
    return {
      accessToken: credentials.accessToken,
      tokenType: credentials.scheme === 'OAUTH2' ? credentials.tokenType : 'OAuth',
      expiresAt: account.tokenExpiresAt,
      scopes: account.scopes,
      fields: null,
    };
  }
  const declared = storedCredentialFieldSchema.array().parse(account.toolkit.fields);
  const { fields } = credentials;
  const main = declared.find((f) => f.secret && fields[f.name]) ?? declared.find((f) => fields[f.name]);
  return {
    accessToken: main ? fields[main.name]! : '',
    tokenType: credentials.scheme,
    expiresAt: null,
    scopes: account.scopes,
    fields,
  };
}

/** A change of the account as it was read; CONFLICT when it changed meanwhile. */
async function transition(deps: DomainDeps, caller: Caller, account: ConnectedAccount, change: AccountChange) {
  const event = await applyAccountChange(deps, account, { ...change, expect: { version: account.version } });
  if (!event) throw new DomainError('CONFLICT', 'The connected account changed meanwhile; try again.');
  return findAccount(deps, caller, account.id);
}

/** INACTIVE accounts keep their credentials but are not handed out or used. */
export async function setAccountEnabled(deps: DomainDeps, caller: Caller, input: { id: string; enabled: boolean }) {
  const account = await findAccount(deps, caller, input.id);
  if (input.enabled) {
    refuseUnless(account, 'INACTIVE', 'enable it');
    return transition(deps, caller, account, { type: 'connection.enabled', status: 'ACTIVE' });
  }
  refuseUnless(account, 'ACTIVE', 'disable it');
  return transition(deps, caller, account, { type: 'connection.disabled', status: 'INACTIVE', reason: 'DISABLED' });
}

/**
 * Revokes at the provider when the toolkit has a revocation endpoint (the refresh token, which
 * takes the access token with it), then erases the credentials. The account stays, REVOKED, as
 * a record; `providerRevoked` says whether the provider confirmed.
 */
export async function revokeAccount(deps: DomainDeps, caller: Caller, input: { id: string }) {
  const account = await findAccount(deps, caller, input.id);
  if (account.status === 'REVOKED') throw new DomainError('CONFLICT', 'The connected account is already revoked.');
  let providerRevoked = false;
  if (account.encryptedCredentials && account.toolkit.revokeUrl) {
    const credentials = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials });
    if (credentials.scheme === 'OAUTH2') {
      const endpoint = tokenEndpointOf(deps, account);
      providerRevoked = await requestRevocation(endpoint, credentials.refreshToken ?? credentials.accessToken);
      if (credentials.refreshToken) await requestRevocation(endpoint, credentials.accessToken);
    }
  }
  const revoked = await transition(deps, caller, account, {
    type: 'connection.revoked',
    status: 'REVOKED',
    reason: providerRevoked ? 'REVOKED_AT_PROVIDER' : 'REVOKED',
    data: {
      encryptedCredentials: null,
      credentialsKeyId: null,
      tokenExpiresAt: null,
      nextRefreshAt: null,
      refreshClaimId: null,
      refreshClaimedUntil: null,
    },
  });
  return { account: revoked, providerRevoked };
}

/** Deletes the account (its links with it), optionally revoking first; its events outlive it. */
export async function deleteAccount(deps: DomainDeps, caller: Caller, input: { id: string; revoke: boolean }) {
  let account = await findAccount(deps, caller, input.id);
  let providerRevoked = false;
  if (input.revoke && account.status !== 'REVOKED') {
    const revoked = await revokeAccount(deps, caller, { id: input.id });
    providerRevoked = revoked.providerRevoked;
    account = revoked.account;
  }
  await deleteAccountRow(deps, { ...account, toolkit: account.toolkit.slug });
  return { deletedId: account.id, providerRevoked };
}
