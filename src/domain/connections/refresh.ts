import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthConfig, Toolkit } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import { clientCredentialsOf } from '../toolkits/auth-configs.js';
import { accountEndpoints, asFieldValues, resolveUrlTemplate } from '../toolkits/toolkit-endpoints.js';
import { applyAccountChange } from './account-state.js';
import { catalogEntryOf } from './api-target.js';
import { openCredentials, sealCredentials } from './credentials.js';
import { requestRefresh, type RefreshOutcome, type TokenEndpoint } from './oauth-client.js';

/** When tokens are refreshed, and how refreshes wait for each other. The defaults suit production. */
export interface RefreshTimings {
  /** Tokens are refreshed ahead of expiry by a third of their lifetime, at most this. */
  maxMarginMs: number;
  /** Plus up to this much (at most a tenth of the lifetime) at random, so tokens issued together spread out. */
  maxJitterMs: number;
  /** A token this close to expiry (at most a third of its lifetime) is refreshed before it is handed out. */
  lastMomentMs: number;
  /** Waits after failed attempts: doubling from the first, up to the second. */
  backoffMs: readonly [first: number, max: number];
  /** How long a claim keeps other instances from refreshing the same account; longer than one token request. */
  claimLeaseMs: number;
  /** How often a caller waiting on another instance's refresh looks again. */
  waitPollMs: number;
}

export const DEFAULT_REFRESH_TIMINGS: RefreshTimings = {
  maxMarginMs: 5 * 60_000,
  maxJitterMs: 60_000,
  lastMomentMs: 30_000,
  backoffMs: [5_000, 15 * 60_000],
  claimLeaseMs: 30_000,
  waitPollMs: 100,
};

export type RefreshResult = 'refreshed' | 'fresh' | 'skipped' | 'rejected' | 'unavailable';

export interface Refresher {
  /**
   * Makes an account's token usable. A token that is due is refreshed, exactly once however
   * many callers on however many instances ask; a caller whose request began before an attempt
   * ended (`since`, default now) takes that attempt's result instead of starting another, so
   * one burst of demand costs one token request whatever the token's lifetime. `force`
   * refreshes a token that is not due yet (the provider refused it), still once per burst.
   * 'fresh' means the row as the caller read it (`seenVersion`) holds a usable token; after
   * 'refreshed' the caller reads the row again.
   */
  ensureFresh(accountId: string, options?: { since?: Date; force?: boolean; seenVersion?: number }): Promise<RefreshResult>;
  /** The scheduler's tick: refreshes accounts whose time has come, skipping those another instance holds. */
  refreshDue(batchSize?: number): Promise<number>;
}

/** The token bookkeeping of an account the refresher reads. */
interface TokenState {
  tokenExpiresAt: Date | null;
  tokenObtainedAt: Date | null;
  nextRefreshAt: Date | null;
}

/**
 * Where and how an account's tokens are refreshed and revoked: its toolkit's endpoints filled
 * with the values it was connected with, its auth config's client, the toolkit's auth method.
 */
export function tokenEndpointOf(
  deps: Pick<CoreDeps, 'keyRing' | 'managedOAuthApps' | 'egress'>,
  account: { toolkit: Toolkit; authConfig: AuthConfig; fieldValues: unknown },
): TokenEndpoint {
  const urls = accountEndpoints(account);
  const refreshUrl = catalogEntryOf(account.toolkit)?.oauth?.refreshUrl;
  return {
    tokenUrl: urls.tokenUrl || urls.revokeUrl!,
    refreshUrl: refreshUrl ? resolveUrlTemplate(account.toolkit, refreshUrl, asFieldValues(account.fieldValues)) : null,
    revokeUrl: urls.revokeUrl,
    client: clientCredentialsOf(deps, account.authConfig, account.toolkit),
    authMethod: account.toolkit.tokenAuthMethod,
    fetch: deps.egress.fetch,
  };
}

/**
 * When to refresh ahead of expiry: a margin (a third of the lifetime, at most `maxMarginMs`)
 * plus jitter, so that tokens issued together are not all refreshed in the same second.
 */
export function scheduleRefresh(
  expiresAt: Date | null,
  hasRefreshToken: boolean,
  now = Date.now(),
  timings: RefreshTimings = DEFAULT_REFRESH_TIMINGS,
): Date | null {
  if (!expiresAt || !hasRefreshToken) return null;
  const lifetime = Math.max(0, expiresAt.getTime() - now);
  const margin = Math.min(timings.maxMarginMs, lifetime / 3);
  const jitter = Math.random() * Math.min(timings.maxJitterMs, lifetime / 10);
  return new Date(expiresAt.getTime() - margin - jitter);
}

/**
 * Whether a token must be refreshed before use: its scheduled time has come, or it is in its
 * last moment. The last moment is at most a third of the token's lifetime, so a token that
 * lives seconds is not "due" the moment it is issued.
 */
export function needsRefresh(account: TokenState, now = Date.now(), timings: RefreshTimings = DEFAULT_REFRESH_TIMINGS): boolean {
  if (!account.tokenExpiresAt) return false;
  if (account.nextRefreshAt && account.nextRefreshAt.getTime() <= now) return true;
  const expiresAt = account.tokenExpiresAt.getTime();
  const lifetime = account.tokenObtainedAt ? expiresAt - account.tokenObtainedAt.getTime() : Number.POSITIVE_INFINITY;
  return expiresAt - now < Math.min(timings.lastMomentMs, lifetime / 3);
}

/** The columns of a successful refresh (or a new set of tokens): credentials sealed, schedule set. */
export function freshTokenColumns(
  deps: Pick<CoreDeps, 'keyRing'>,
  accountId: string,
  credentials: Parameters<typeof sealCredentials>[2],
  expiresInSeconds: number | null,
  now = Date.now(),
  timings: RefreshTimings = DEFAULT_REFRESH_TIMINGS,
) {
  const tokenExpiresAt = expiresInSeconds ? new Date(now + expiresInSeconds * 1000) : null;
  const hasRefreshToken = credentials.scheme === 'OAUTH2' && credentials.refreshToken !== null;
  return {
    ...sealCredentials(deps.keyRing, accountId, credentials),
    tokenExpiresAt,
    tokenObtainedAt: new Date(now),
    nextRefreshAt: scheduleRefresh(tokenExpiresAt, hasRefreshToken, now, timings),
    refreshAttempts: 0,
    lastRefreshError: null,
  };
}

const RELEASED_CLAIM = { refreshClaimId: null, refreshClaimedUntil: null };

/**
 * The refresher of one app instance. A refresh claims the account row (a lease, not a lock: no
 * transaction or connection is held while the provider answers), calls the token endpoint, and
 * writes the outcome only if it still holds the claim. Callers in this process share one attempt
 * per account; callers on other instances wait for the claim to end and take its result.
 */
export function createRefresher(deps: CoreDeps, timings: RefreshTimings = DEFAULT_REFRESH_TIMINGS): Refresher {
  const inFlight = new Map<string, Promise<{ result: RefreshResult; version?: number }>>();

  function read(accountId: string) {
    return deps.prisma.connectedAccount.findUnique({ where: { id: accountId }, include: { toolkit: true, authConfig: true } });
  }

  /** The result, and for 'fresh' the version of the row that was found fresh. */
  type Attempt = { result: RefreshResult; version?: number };

  async function attempt(accountId: string, since: Date, force: boolean, skipIfBusy: boolean): Promise<Attempt> {
    for (;;) {
      const account = await read(accountId);
      if (!account || account.status !== 'ACTIVE' || !account.encryptedCredentials) return { result: 'skipped' };
      const now = Date.now();
      // An attempt that ended after this request began answers it.
      if (account.lastRefreshAttemptAt && account.lastRefreshAttemptAt >= since) {
        return { result: account.lastRefreshedAt && account.lastRefreshedAt >= since ? 'refreshed' : 'unavailable' };
      }
      if (!force && !needsRefresh(account, now, timings)) return { result: 'fresh', version: account.version };
      if (account.refreshClaimedUntil && account.refreshClaimedUntil.getTime() > now) {
        if (skipIfBusy) return { result: 'skipped' };
        await sleep(timings.waitPollMs);
        continue;
      }
      const claimId = randomUUID();
      const claimed = await deps.prisma.connectedAccount.updateMany({
        where: {
          id: account.id,
          status: 'ACTIVE',
          // A refresh that ended between the read and this claim bumped the version: read again and take its result.
          version: account.version,
          OR: [{ refreshClaimedUntil: null }, { refreshClaimedUntil: { lt: new Date(now) } }],
        },
        data: { refreshClaimId: claimId, refreshClaimedUntil: new Date(now + timings.claimLeaseMs) },
      });
      if (claimed.count !== 1) continue;
      return { result: await settle(account, claimId, await call(account)) };
    }
  }

  type ClaimedAccount = NonNullable<Awaited<ReturnType<typeof read>>>;

  async function call(account: ClaimedAccount): Promise<RefreshOutcome> {
    const credentials = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! });
    if (credentials.scheme !== 'OAUTH2') return { kind: 'unavailable', error: 'not_refreshable' };
    if (!credentials.refreshToken) {
      return account.tokenExpiresAt && account.tokenExpiresAt.getTime() <= Date.now()
        ? { kind: 'rejected', error: 'access_token_expired', description: 'No refresh token was issued.' }
        : { kind: 'unavailable', error: 'no_refresh_token' };
    }
    return requestRefresh(tokenEndpointOf(deps, account), credentials.refreshToken);
  }

  /** Writes what the provider said, only while this attempt still holds its claim. */
  async function settle(account: ClaimedAccount, claimId: string, outcome: RefreshOutcome): Promise<RefreshResult> {
    const now = Date.now();
    const held = { refreshClaimId: claimId, status: 'ACTIVE' as const };
    if (outcome.kind === 'refreshed') {
      const previous = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! });
      if (previous.scheme !== 'OAUTH2') return 'skipped';
      const written = await deps.prisma.connectedAccount.updateMany({
        where: { id: account.id, ...held },
        data: {
          ...freshTokenColumns(
            deps,
            account.id,
            {
              ...previous,
              accessToken: outcome.accessToken,
              tokenType: outcome.tokenType,
              // Kept when the provider sends none.
              refreshToken: outcome.refreshToken ?? previous.refreshToken,
            },
            outcome.expiresIn,
            now,
            timings,
          ),
          ...(outcome.scope ? { scopes: outcome.scope.split(/[\s,]+/).filter(Boolean) } : {}),
          lastRefreshedAt: new Date(now),
          lastRefreshAttemptAt: new Date(now),
          ...RELEASED_CLAIM,
          version: { increment: 1 },
        },
      });
      if (written.count !== 1) {
        deps.logger.warn({ connectedAccountId: account.id }, 'refreshed tokens not stored: the account changed during the refresh');
        return 'skipped';
      }
      return 'refreshed';
    }
    if (outcome.kind === 'rejected') {
      await applyAccountChange(deps, account, {
        type: 'connection.refresh_failed',
        status: 'EXPIRED',
        reason: outcome.error,
        expect: held,
        data: {
          nextRefreshAt: null,
          lastRefreshError: outcome.description ? `${outcome.error}: ${outcome.description}` : outcome.error,
          lastRefreshAttemptAt: new Date(now),
          ...RELEASED_CLAIM,
        },
      });
      return 'rejected';
    }
    const attempts = account.refreshAttempts + 1;
    const [first, max] = timings.backoffMs;
    await deps.prisma.connectedAccount.updateMany({
      where: { id: account.id, refreshClaimId: claimId },
      data: {
        refreshAttempts: attempts,
        lastRefreshError: outcome.error,
        nextRefreshAt: new Date(now + Math.min(max, first * 2 ** (attempts - 1))),
        lastRefreshAttemptAt: new Date(now),
        ...RELEASED_CLAIM,
        version: { increment: 1 },
      },
    });
    return 'unavailable';
  }

  function once(accountId: string, since: Date, force: boolean, skipIfBusy: boolean): Promise<Attempt> {
    const running = inFlight.get(accountId);
    if (running) return running;
    const started = attempt(accountId, since, force, skipIfBusy).finally(() => inFlight.delete(accountId));
    inFlight.set(accountId, started);
    return started;
  }

  return {
    async ensureFresh(accountId, options = {}) {
      const { result, version } = await once(accountId, options.since ?? new Date(), options.force ?? false, false);
      // Fresh, but not as the caller read it: another attempt changed the token in between.
      return result === 'fresh' && options.seenVersion !== undefined && version !== options.seenVersion ? 'refreshed' : result;
    },
    async refreshDue(batchSize = 20) {
      const now = new Date();
      const due = await deps.prisma.connectedAccount.findMany({
        where: {
          status: 'ACTIVE',
          nextRefreshAt: { lte: now },
          OR: [{ refreshClaimedUntil: null }, { refreshClaimedUntil: { lt: now } }],
        },
        orderBy: { nextRefreshAt: 'asc' },
        take: batchSize,
        select: { id: true },
      });
      let refreshed = 0;
      for (const { id } of due) {
        if ((await once(id, now, false, true)).result === 'refreshed') refreshed++;
      }
      return refreshed;
    },
  };
}
