import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, CALLBACK_ORIGIN, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

describe('connecting an OAuth 2 toolkit against a real authorization server', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  let redirectUri: string;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider, redirectUri } = await setUpOAuthToolkit(app, { accessTokenTtlSeconds: 600 }));
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  async function newLink(userId: string) {
    const { session, clientToken } = await startSession(app, userId, ['acme']);
    const authorized = await authorizeLink(app, clientToken, {
      sessionId: session.id,
      toolkit: 'acme',
      callbackUrl: `${CALLBACK_ORIGIN}/done`,
    });
    return { ...authorized, session, clientToken };
  }

  it('goes INITIATED → ACTIVE: consent with PKCE, code exchanged, tokens stored encrypted', async () => {
    const { connectLink, connectedAccount, clientToken } = await newLink('u_oauth');
    const status = subscribe(wsClient(app.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');

    const browser = new Browser();
    const dance = await clickConnect(browser, connectLink.url);
    expect(`${dance}/callback`).toBe(redirectUri);
    const { url, history } = await browser.navigate(dance, { stopAt: [CALLBACK_ORIGIN] });
    expect(history.some((hop) => hop.startsWith(provider.authorizeUrl) && hop.includes('code_challenge_method=S256'))).toBe(true);
    expect(history.some((hop) => hop.startsWith(redirectUri))).toBe(true);
    const back = new URL(url);
    expect(back.searchParams.get('status')).toBe('success');
    expect(back.searchParams.get('connected_account_id')).toBe(connectedAccount.id);

    const active = (await status.next()).data.connectionStatus;
    expect(active).toMatchObject({ status: 'ACTIVE', connectedAccount: { id: connectedAccount.id, status: 'ACTIVE' } });
    await status.completed;
    await status.close();
    expect(provider.tokenRequests()).toMatchObject({ authorization_code: 1 });
    // The flow's server-side session (state, PKCE verifier) ends with it.
    expect(await app.database.prisma.oAuthSession.count()).toBe(0);

    const account = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccount.id) } });
    const credentials = app.deps.keyRing.decryptJson<Record<string, string>>(account.encryptedCredentials!, account.id);
    expect(credentials.accessToken).toBeTruthy();
    expect(credentials.refreshToken).toBeTruthy();
    expect(account.encryptedCredentials).not.toContain(credentials.accessToken);
    expect(account.encryptedCredentials).not.toContain(credentials.refreshToken);
    expect(account.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);
    expect(account.scopes).toEqual(expect.arrayContaining(['openid', 'contacts.read']));

    // The token works at the provider.
    const me = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${credentials.accessToken}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe('alice');

    // Single use: the page now says so.
    expect((await browser.request(connectLink.url)).status).toBe(410);
  });

  it('marks the account FAILED with access_denied when the user refuses consent', async () => {
    const { connectLink, connectedAccount, clientToken } = await newLink('u_denied');
    const status = subscribe(wsClient(app.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    await status.next();
    const browser = new Browser();
    const { url } = await browser.navigate(await clickConnect(browser, connectLink.url), {
      deny: true,
      stopAt: [CALLBACK_ORIGIN],
    });
    const back = new URL(url);
    expect(back.searchParams.get('status')).toBe('failed');
    expect(back.searchParams.get('connected_account_id')).toBe(connectedAccount.id);
    expect((await status.next()).data.connectionStatus).toMatchObject({
      status: 'FAILED',
      statusReason: 'access_denied',
      connectedAccount: { status: 'FAILED' },
    });
    await status.completed;
    await status.close();
  });

  it('accepts the callback only in the browser that started the flow', async () => {
    const { connectLink, connectedAccount } = await newLink('u_browser');
    const owner = new Browser();
    const { url: callback } = await owner.navigate(await clickConnect(owner, connectLink.url), { stopAt: [redirectUri] });
    expect(callback).toContain('code=');

    const stranger = await new Browser().request(callback);
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('Open the link in the same browser');
    const unchanged = await app.database.prisma.connectLink.findUniqueOrThrow({ where: { id: rawId(connectLink.id) } });
    expect(unchanged.status).toBe('PENDING');

    const { url } = await owner.navigate(callback, { stopAt: [CALLBACK_ORIGIN] });
    expect(new URL(url).searchParams.get('status')).toBe('success');
    const account = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectedAccount { status } } }`, {
      id: connectedAccount.id,
    });
    expect(account.data!.node).toEqual({ status: 'ACTIVE' });
  });

  it('ignores a forged error callback that does not carry the flow state', async () => {
    const { connectLink } = await newLink('u_forged');
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, connectLink.url), { stopAt: [provider.issuer] });
    const sessions = await app.database.prisma.oAuthSession.count();
    expect(sessions).toBeGreaterThan(0);
    const forged = await browser.request(`${redirectUri}?error=access_denied&state=not-the-state`);
    expect(forged.status).toBe(400);
    expect(await app.database.prisma.oAuthSession.count()).toBe(sessions);
    const link = await app.database.prisma.connectLink.findUniqueOrThrow({ where: { id: rawId(connectLink.id) } });
    expect(link.status).toBe('PENDING');
  });

  it('re-authorizes an existing account in place, keeping its id and status until success', async () => {
    const first = await newLink('u_again');
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, first.connectLink.url), { stopAt: [CALLBACK_ORIGIN] });

    const again = await authorizeLink(app, first.clientToken, {
      sessionId: first.session.id,
      toolkit: 'acme',
      connectedAccountId: first.connectedAccount.id,
    });
    expect(again.connectedAccount).toEqual({ id: first.connectedAccount.id, status: 'ACTIVE' });
    const status = subscribe(wsClient(app.port, first.clientToken), CONNECTION_STATUS, { connectLinkId: again.connectLink.id });
    expect((await status.next()).data.connectionStatus).toMatchObject({
      status: 'INITIATED',
      connectedAccount: { id: first.connectedAccount.id, status: 'ACTIVE' },
    });
    await browser.navigate(await clickConnect(browser, again.connectLink.url), { stopAt: [] });
    expect((await status.next()).data.connectionStatus).toMatchObject({ status: 'ACTIVE' });
    await status.close();
    const accounts = await app.database.prisma.connectedAccount.count({ where: { userId: 'u_again' } });
    expect(accounts).toBe(1);
  });
});
