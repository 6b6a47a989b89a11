import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, makeDue, storedCredentials } from './support/accounts.js';
import { Browser } from './support/browser.js';
import { authorizeLink } from './support/connect.js';
import { createPGliteDatabase, createPostgresDatabase, type TestDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function userInfo(provider: OAuthProvider, accessToken: string) {
  const response = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  return response.status;
}

describe('refresh under concurrency, with refresh-token rotation, on two instances (PostgreSQL, Redis)', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let provider: OAuthProvider;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    a = await startTestApp(database, { REDIS_URL }, { sweepIntervalMs: 60_000 });
    b = await startTestApp(database, { REDIS_URL, PUBLIC_URL: a.publicUrl }, { sweepIntervalMs: 60_000 });
    ({ provider } = await setUpOAuthToolkit(a, { rotateRefreshToken: true }));
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await provider?.close();
    await database?.drop();
  });

  it('makes exactly one token request for 50 concurrent issueAccessToken calls, and all get the same valid token', async () => {
    const account = await connectOAuthAccount(a, 'u_busy');
    const before = storedCredentials(a, await a.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } }));
    const exchanges = provider.tokenRequests();
    await makeDue(a, account.id);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).gql(ISSUE_ACCESS_TOKEN, { id: account.globalId })),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const tokens = new Set(results.map((r) => r.data!.issueAccessToken.accessToken));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    expect(token).not.toBe(before.accessToken);
    expect(provider.tokenRequests().refresh_token ?? 0).toBe((exchanges.refresh_token ?? 0) + 1);
    expect(await userInfo(provider, token!)).toBe(200);

    const row = await a.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.status).toBe('ACTIVE');
    const after = storedCredentials(a, row);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(row.nextRefreshAt!.getTime()).toBeGreaterThan(Date.now());
    expect(row.lastRefreshedAt).not.toBeNull();

    // The rotated refresh token is the live one: the next refresh works too.
    await makeDue(a, account.id);
    const next = await b.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
    expect(next.data!.issueAccessToken.accessToken).not.toBe(token);
    expect(await userInfo(provider, next.data!.issueAccessToken.accessToken)).toBe(200);
  });

  it('marks the account EXPIRED with invalid_grant when the grant is gone, pushes it, and re-authorizes in place', async () => {
    const account = await connectOAuthAccount(a, 'u_revoked');
    const watch = subscribe(wsClient(a.port, account.clientToken), CONNECTION_STATUS, { connectedAccountId: account.globalId });
    expect((await watch.next()).data.connectionStatus.status).toBe('ACTIVE');

    await provider.revokeAll();
    await makeDue(a, account.id);
    const refused = await b.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(refused.errors![0]!.message).toContain('EXPIRED (invalid_grant)');
    expect((await watch.next()).data.connectionStatus).toMatchObject({ status: 'EXPIRED', statusReason: 'invalid_grant' });
    const event = await a.database.prisma.connectionEvent.findFirst({ where: { connectedAccountId: account.id }, orderBy: { occurredAt: 'desc' } });
    expect(event).toMatchObject({ type: 'connection.refresh_failed', status: 'EXPIRED', statusReason: 'invalid_grant' });

    const again = await authorizeLink(a, account.clientToken, {
      sessionId: account.session.id,
      toolkit: 'acme',
      connectedAccountId: account.globalId,
    });
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, again.connectLink.url));
    expect((await watch.next()).data.connectionStatus).toMatchObject({ status: 'ACTIVE', statusReason: null });
    await watch.close();
    const ok = await a.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
    expect(await userInfo(provider, ok.data!.issueAccessToken.accessToken)).toBe(200);
  });
});

describe('refresh when the provider is down, and ahead of expiry', () => {
  let app: TestApp;
  let provider: OAuthProvider;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { sweepIntervalMs: 200 });
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  it('refreshes proactively, before the token expires, without anyone asking', async () => {
    ({ provider } = await setUpOAuthToolkit(app, { accessTokenTtlSeconds: 6 }, 'shortlived'));
    const account = await connectOAuthAccount(app, 'u_proactive', 'shortlived');
    const first = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(first.nextRefreshAt!.getTime()).toBeLessThan(first.tokenExpiresAt!.getTime());
    let row = first;
    for (let i = 0; i < 60 && !row.lastRefreshedAt; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    }
    expect(row.lastRefreshedAt!.getTime()).toBeLessThan(first.tokenExpiresAt!.getTime());
    expect(row.tokenExpiresAt!.getTime()).toBeGreaterThan(first.tokenExpiresAt!.getTime());
    expect(provider.tokenRequests().refresh_token).toBeGreaterThanOrEqual(1);
  });

  it('keeps the account ACTIVE and retries with backoff when the provider cannot be reached', async () => {
    const down = await setUpOAuthToolkit(app, { accessTokenTtlSeconds: 3600 }, 'flaky');
    const account = await connectOAuthAccount(app, 'u_flaky', 'flaky');
    const stored = storedCredentials(app, await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } }));
    await down.provider.close();
    await makeDue(app, account.id);
    const result = await app.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
    // The current token is still valid, so the caller gets it while refresh retries later.
    expect(result.data!.issueAccessToken.accessToken).toBe(stored.accessToken);
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ status: 'ACTIVE', refreshAttempts: 1 });
    expect(row.lastRefreshError).toMatch(/^network: /);
    expect(row.nextRefreshAt!.getTime()).toBeGreaterThan(Date.now());
  });
});
