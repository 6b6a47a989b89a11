import { Prisma, type AuthConfig, type Toolkit } from '../../generated/prisma/client.js';
import { clientCredentialsOf } from '../toolkits/auth-configs.js';
import type { DomainDeps } from '../deps.js';
import { requestRefresh, type TokenEndpoint } from './oauth-client.js';
import { publishEvents, recordEvent, type RecordedEvent } from '../events/outbox.js';
import { accountEndpoints } from '../toolkits/toolkit-endpoints.js';

/** What an OAuth account's encrypted credentials hold. */
export interface OAuthCredentials {
  scheme: string;
  accessToken: string;
  refreshToken: string | null;
  tokenType: string;
  idToken?: string;
  accessSecret?: string;
}

const MAX_MARGIN_MS = 5 * 60_000;
const MAX_JITTER_MS = 60_000;
/** Closer than this to expiry, a token is refreshed before being handed out, schedule or not. */
const LAST_MOMENT_MS = 30_000;
const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Where and how an account's tokens are refreshed and revoked: its toolkit's endpoints filled
 * with the values it was connected with, its auth config's client, the toolkit's auth method.
 */
export function tokenEndpointOf(
  deps: DomainDeps,
  account: { toolkit: Toolkit; authConfig: AuthConfig; fieldValues: unknown },
): TokenEndpoint {
  const urls = accountEndpoints(account);
  return {
    tokenUrl: urls.tokenUrl || urls.revokeUrl!,
    revokeUrl: urls.revokeUrl,
    client: clientCredentialsOf(deps, account.authConfig, account.toolkit),
    authMethod: account.toolkit.tokenAuthMethod,
  };
}

/**
 * When to refresh ahead of expiry: a margin (a third of the lifetime, at most 5 minutes) plus
 * jitter, so that tokens issued together are not all refreshed in the same second.
 */
export function scheduleRefresh(expiresAt: Date | null, hasRefreshToken: boolean, now = Date.now()): Date | null {
  if (!expiresAt || !hasRefreshToken) return null;
  const lifetime = Math.max(0, expiresAt.getTime() - now);
  const margin = Math.min(MAX_MARGIN_MS, lifetime / 3);
  const jitter = Math.random() * Math.min(MAX_JITTER_MS, lifetime / 10);
  return new Date(expiresAt.getTime() - margin - jitter);
}

export function needsRefresh(
  account: { tokenExpiresAt: Date | null; nextRefreshAt: Date | null },
  now = Date.now(),
): boolean {
  if (!account.tokenExpiresAt) return false;
  if (account.nextRefreshAt && account.nextRefreshAt.getTime() <= now) return true;
  return account.tokenExpiresAt.getTime() - now < LAST_MOMENT_MS;
}

function backoff(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.max(0, attempts - 1));
}

export type RefreshResult = 'refreshed' | 'fresh' | 'skipped' | 'rejected' | 'unavailable';

/**
 * Refreshes one account's tokens, exactly once however many callers and instances ask at the
 * same time: the account row is locked (`FOR UPDATE`) for the whole exchange, and whoever gets
 * the lock next sees fresh tokens and does nothing. A rotated refresh token is stored in the
 * same transaction; when the provider sends none, the old one is kept. With `skipLocked`, an
 * account another instance is refreshing is skipped instead of waited for (the scheduler).
 */
export async function refreshAccount(
  deps: DomainDeps,
  accountId: string,
  options: { skipLocked?: boolean } = {},
): Promise<RefreshResult> {
  const events: RecordedEvent[] = [];
  const lockClause = options.skipLocked ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.sql`FOR UPDATE`;
  const result = await deps.prisma.$transaction(
    async (tx): Promise<RefreshResult> => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "ConnectedAccount" WHERE id = ${accountId} ${lockClause}`;
      if (locked.length === 0) return 'skipped';
      const account = await tx.connectedAccount.findUniqueOrThrow({
        where: { id: accountId },
        include: { toolkit: true, authConfig: true },
      });
      const now = Date.now();
      if (account.status !== 'ACTIVE' || !account.encryptedCredentials) return 'skipped';
      if (!needsRefresh(account, now)) return 'fresh';
      const credentials = deps.keyRing.decryptJson<OAuthCredentials>(account.encryptedCredentials, account.id);
      const cas = { id: account.id, version: account.version };

      const outcome = credentials.refreshToken
        ? await requestRefresh(tokenEndpointOf(deps, account), credentials.refreshToken)
        : account.tokenExpiresAt!.getTime() <= now
          ? ({ kind: 'rejected', error: 'access_token_expired', description: 'No refresh token was issued.' } as const)
          : null;
      if (!outcome) return 'fresh';

      if (outcome.kind === 'refreshed') {
        const tokenExpiresAt = outcome.expiresIn ? new Date(now + outcome.expiresIn * 1000) : null;
        const refreshToken = outcome.refreshToken ?? credentials.refreshToken;
        await tx.connectedAccount.update({
          where: cas,
          data: {
            encryptedCredentials: deps.keyRing.encryptJson(
              { ...credentials, accessToken: outcome.accessToken, tokenType: outcome.tokenType, refreshToken },
              account.id,
            ),
            credentialsKeyId: deps.keyRing.activeKeyId,
            tokenExpiresAt,
            nextRefreshAt: scheduleRefresh(tokenExpiresAt, refreshToken !== null, now),
            ...(outcome.scope ? { scopes: outcome.scope.split(/[\s,]+/).filter(Boolean) } : {}),
            lastRefreshedAt: new Date(now),
            refreshAttempts: 0,
            lastRefreshError: null,
            version: { increment: 1 },
          },
        });
        return 'refreshed';
      }

      if (outcome.kind === 'rejected') {
        await tx.connectedAccount.update({
          where: cas,
          data: {
            status: 'EXPIRED',
            statusReason: outcome.error,
            statusChangedAt: new Date(now),
            nextRefreshAt: null,
            lastRefreshError: outcome.description ? `${outcome.error}: ${outcome.description}` : outcome.error,
            version: { increment: 1 },
          },
        });
        events.push(
          await recordEvent(tx, {
            projectId: account.projectId,
            connectedAccountId: account.id,
            connectLinkId: null,
            type: 'connection.refresh_failed',
            status: 'EXPIRED',
            statusReason: outcome.error,
          }),
        );
        return 'rejected';
      }

      const attempts = account.refreshAttempts + 1;
      await tx.connectedAccount.update({
        where: cas,
        data: {
          refreshAttempts: attempts,
          lastRefreshError: outcome.error,
          nextRefreshAt: new Date(now + backoff(attempts)),
          version: { increment: 1 },
        },
      });
      return 'unavailable';
    },
    // The lock is held across one token request (10 s timeout); waiters queue behind it.
    { timeout: 30_000, maxWait: 30_000 },
  );
  await publishEvents(deps, events);
  return result;
}

const inFlight = new WeakMap<DomainDeps, Map<string, Promise<RefreshResult>>>();

/** refreshAccount, with concurrent callers in this process sharing one attempt per account. */
export function refreshAccountOnce(deps: DomainDeps, accountId: string): Promise<RefreshResult> {
  let running = inFlight.get(deps);
  if (!running) inFlight.set(deps, (running = new Map()));
  const existing = running.get(accountId);
  if (existing) return existing;
  const attempt = refreshAccount(deps, accountId).finally(() => running.delete(accountId));
  running.set(accountId, attempt);
  return attempt;
}

/**
 * The scheduler's tick: refreshes accounts whose refresh time has come. Safe on every instance:
 * an account being refreshed elsewhere is skipped, one refreshed meanwhile is found fresh.
 */
export async function refreshDueAccounts(deps: DomainDeps, batchSize = 20): Promise<number> {
  const due = await deps.prisma.connectedAccount.findMany({
    where: { status: 'ACTIVE', nextRefreshAt: { lte: new Date() } },
    orderBy: { nextRefreshAt: 'asc' },
    take: batchSize,
    select: { id: true },
  });
  let refreshed = 0;
  for (const { id } of due) {
    if ((await refreshAccount(deps, id, { skipLocked: true })) === 'refreshed') refreshed++;
  }
  return refreshed;
}
