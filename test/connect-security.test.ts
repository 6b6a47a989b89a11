import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, CALLBACK_ORIGIN, rawId, startSession } from './support/connect.js';
import { knownIssuerOf } from '../src/domain/toolkits/oauth-issuer.js';
import { createPGliteDatabase } from './support/databases.js';
import { startOAuth1Provider, type OAuth1Provider } from './support/oauth1-provider.js';
import { startOAuthProvider, type OAuthProvider } from './support/oauth-provider.js';
import { CLIENT, clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';

// A page on another site that sends the victim's browser somewhere (a top-level GET navigation:
// SameSite=Lax cookies go along).
const EVIL_PAGE = 'https://evil.example/lure';

describe('the OAuth callback accepts credentials only from its own code exchange', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  let redirectUri: string;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider, redirectUri } = await setUpOAuthToolkit(app));
    const github = await app.gql(
      `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { redirectUri } } }`,
      { input: { toolkit: 'github', name: 'Our GitHub app', credentials: { clientId: 'gh-client', clientSecret: 'gh-secret-0123456789' } } },
    );
    expect(github.errors).toBeUndefined();
    expect(github.data!.createAuthConfig.authConfig.redirectUri).toBe(`${app.publicUrl}/connect/github/callback`);
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  async function newLink(userId: string, toolkit = 'acme') {
    const { session, clientToken } = await startSession(app, userId, [toolkit]);
    return authorizeLink(app, clientToken, { sessionId: session.id, toolkit, callbackUrl: `${CALLBACK_ORIGIN}/done` });
  }

  /** Clicks Connect and follows the browser to the provider's authorization page (not requested). */
  async function atProvider(browser: Browser, linkUrl: string, providerPrefix = provider.issuer) {
    const { url } = await browser.navigate(await clickConnect(browser, linkUrl), { stopAt: [providerPrefix] });
    return url;
  }

  async function linkRow(connectLinkId: string) {
    return app.database.prisma.connectLink.findUniqueOrThrow({
      where: { id: rawId(connectLinkId) },
      include: { connectedAccount: true },
    });
  }

  async function expectStillPending(connectLinkId: string) {
    const link = await linkRow(connectLinkId);
    expect(link.status).toBe('PENDING');
    expect(link.connectedAccount.status).toBe('INITIATED');
    expect(link.connectedAccount.encryptedCredentials).toBeNull();
  }

  async function storedAccessToken(connectedAccountId: string): Promise<string> {
    const account = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccountId) } });
    return app.deps.keyRing.decryptJson<{ accessToken: string }>(account.encryptedCredentials!, account.id).accessToken;
  }

  it('refuses tokens put in the callback URL by another site mid-flow; the real flow still completes', async () => {
    const { connectLink, connectedAccount } = await newLink('u_injected');
    const victim = new Browser();
    const authorizeUrl = await atProvider(victim, connectLink.url);

    const injected = await victim.request(`${redirectUri}?access_token=ATTACKER&token_type=Bearer&refresh_token=ATTACKER_RT`, {
      initiator: EVIL_PAGE,
    });
    expect(injected.status).toBe(400);
    expect(await injected.text()).toContain('This sign-in answer was not expected');
    await expectStillPending(connectLink.id);

    const { url } = await victim.navigate(authorizeUrl, { login: 'victim', stopAt: [CALLBACK_ORIGIN] });
    expect(new URL(url).searchParams.get('status')).toBe('success');
    const token = await storedAccessToken(connectedAccount.id);
    expect(token).not.toBe('ATTACKER');
    const me = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe('victim');
    const issued = await app.gql(`mutation($id: ID!) { issueAccessToken(input: { connectedAccountId: $id }) { accessToken } }`, {
      id: connectedAccount.id,
    });
    expect(issued.data!.issueAccessToken.accessToken).toBe(token);
  });

  it('refuses tokens in the callback URL of a catalog toolkit (github)', async () => {
    const { connectLink } = await newLink('u_injected_gh', 'github');
    const victim = new Browser();
    const authorizeUrl = await atProvider(victim, connectLink.url, 'https://github.com/');
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(`${app.publicUrl}/connect/github/callback`);

    const injected = await victim.request(`${app.publicUrl}/connect/github/callback?access_token=ATTACKER`, { initiator: EVIL_PAGE });
    expect(injected.status).toBe(400);
    await expectStillPending(connectLink.id);
    // A code without this browser's state is not exchanged either.
    const foreignCode = await victim.request(`${app.publicUrl}/connect/github/callback?code=ATTACKER_CODE`, { initiator: EVIL_PAGE });
    expect(foreignCode.status).toBe(400);
    await expectStillPending(connectLink.id);
  });

  it('answers a stray callback with a 400 page and keeps the flow; a provider error with the exact state ends it', async () => {
    const { connectLink, connectedAccount } = await newLink('u_stray');
    const browser = new Browser();
    const authorizeUrl = await atProvider(browser, connectLink.url);

    const stray = await browser.request(`${redirectUri}?x=1`, { initiator: EVIL_PAGE });
    expect(stray.status).toBe(400);
    expect(await stray.text()).toContain('This sign-in answer was not expected');
    await expectStillPending(connectLink.id);
    const noCode = await browser.request(`${redirectUri}?state=${new URL(authorizeUrl).searchParams.get('state')}`);
    expect(noCode.status).toBe(400);
    await expectStillPending(connectLink.id);

    const state = new URL(authorizeUrl).searchParams.get('state')!;
    const refused = await browser.navigate(`${redirectUri}?error=access_denied&state=${encodeURIComponent(state)}`, {
      stopAt: [CALLBACK_ORIGIN],
    });
    expect(new URL(refused.url).searchParams.get('status')).toBe('failed');
    const link = await linkRow(connectLink.id);
    expect(link.status).toBe('FAILED');
    expect(link.connectedAccount).toMatchObject({ id: rawId(connectedAccount.id), status: 'FAILED', statusReason: 'access_denied' });
  });

  describe('OAuth 1', () => {
    let oauth1: OAuth1Provider;
    const callbackPath = () => `${app.publicUrl}/connect/discogs/callback`;

    beforeAll(async () => {
      oauth1 = await startOAuth1Provider();
      // The catalog's discogs (an OAuth 1 provider grant has no special handling for), sent to the loopback server.
      const moved = await app.database.prisma.toolkit.updateMany({
        where: { slug: 'discogs', projectId: null },
        data: { requestTokenUrl: oauth1.requestTokenUrl, authorizeUrl: oauth1.authorizeUrl, tokenUrl: oauth1.accessTokenUrl },
      });
      expect(moved.count).toBe(1);
      const config = await app.gql(
        `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { redirectUri } } }`,
        { input: { toolkit: 'discogs', name: 'Our Discogs app', credentials: { clientId: 'dc-key', clientSecret: 'dc-secret-0123456789' } } },
      );
      expect(config.errors).toBeUndefined();
      expect(config.data!.createAuthConfig.authConfig.redirectUri).toBe(callbackPath());
    });
    afterAll(async () => {
      await oauth1?.close();
    });

    it("refuses another request token (the attacker's own, verified), tokens in the URL and a missing verifier", async () => {
      // The attacker runs a flow of their own up to its callback, which they do not open.
      const attacker = new Browser();
      const attackerLink = await newLink('u_oauth1_attacker', 'discogs');
      const { url: attackerCallback } = await attacker.navigate(await clickConnect(attacker, attackerLink.connectLink.url), {
        stopAt: [callbackPath()],
      });
      expect(new URL(attackerCallback).searchParams.get('oauth_verifier')).toBeTruthy();

      const { connectLink, connectedAccount } = await newLink('u_oauth1_victim', 'discogs');
      const victim = new Browser();
      const authorizeUrl = await atProvider(victim, connectLink.url, oauth1.authorizeUrl);
      const requestToken = new URL(authorizeUrl).searchParams.get('oauth_token')!;
      for (const forged of [
        attackerCallback,
        `${callbackPath()}?oauth_token=ATTACKER&oauth_token_secret=ATTACKER_SECRET`,
        `${callbackPath()}?access_token=ATTACKER`,
        `${callbackPath()}?oauth_token=${requestToken}`,
      ]) {
        const response = await victim.request(forged, { initiator: EVIL_PAGE });
        expect(response.status).toBe(400);
        await expectStillPending(connectLink.id);
      }
      expect(oauth1.grantedTokens()).toEqual([]);

      const { url } = await victim.navigate(authorizeUrl, { stopAt: [CALLBACK_ORIGIN] });
      expect(new URL(url).searchParams.get('status')).toBe('success');
      expect(oauth1.grantedTokens()).toHaveLength(1);
      expect(await storedAccessToken(connectedAccount.id)).toBe(oauth1.grantedTokens()[0]);
    });

    it('ends the flow when the user refuses, said with this flow\'s request token', async () => {
      const { connectLink } = await newLink('u_oauth1_denied', 'discogs');
      const browser = new Browser();
      const authorizeUrl = await atProvider(browser, connectLink.url, oauth1.authorizeUrl);
      const elsewhere = await browser.request(`${callbackPath()}?denied=rt-someone-else`, { initiator: EVIL_PAGE });
      expect(elsewhere.status).toBe(400);
      await expectStillPending(connectLink.id);

      const { url } = await browser.navigate(`${authorizeUrl}&deny=1`, { stopAt: [CALLBACK_ORIGIN] });
      expect(new URL(url).searchParams.get('status')).toBe('failed');
      expect((await linkRow(connectLink.id)).connectedAccount).toMatchObject({ status: 'FAILED', statusReason: 'access_denied' });
    });
  });

  describe('mix-up defences', () => {
    it('gives every toolkit its own redirect path', async () => {
      const other = await setUpOAuthToolkit(app, {}, 'acme-two');
      try {
        expect(other.redirectUri).not.toBe(redirectUri);
        for (const uri of [redirectUri, other.redirectUri]) {
          expect(uri).toMatch(new RegExp(`^${app.publicUrl}/connect/custom/[a-z0-9]+/callback$`));
        }
        // The link of one toolkit cannot be finished through the other's path.
        const { connectLink } = await newLink('u_paths');
        const browser = new Browser();
        await atProvider(browser, connectLink.url);
        const elsewhere = await browser.request(`${other.redirectUri}?code=x&state=y`);
        expect(elsewhere.status).toBe(400);
        await expectStillPending(connectLink.id);
      } finally {
        await other.provider.close();
      }
    });

    it('refuses a callback whose iss names another server, then accepts the real one', async () => {
      const { connectLink } = await newLink('u_mixup');
      const browser = new Browser();
      const { url: callback } = await browser.navigate(await clickConnect(browser, connectLink.url), { stopAt: [redirectUri] });
      const params = new URL(callback).searchParams;
      expect(params.get('iss')).toBe(provider.issuer);
      expect(params.get('code')).toBeTruthy();
      const exchanges = provider.tokenRequests().authorization_code ?? 0;

      const forged = new URL(callback);
      forged.searchParams.set('iss', 'https://attacker.example');
      const refused = await browser.request(forged.toString());
      expect(refused.status).toBe(400);
      await expectStillPending(connectLink.id);
      expect(provider.tokenRequests().authorization_code ?? 0).toBe(exchanges);

      const { url } = await browser.navigate(callback, { stopAt: [CALLBACK_ORIGIN] });
      expect(new URL(url).searchParams.get('status')).toBe('success');
    });

    it('compares iss with the issuer the catalog knows for the toolkit', async () => {
      const keycloak = await app.database.prisma.toolkit.findFirstOrThrow({ where: { slug: 'keycloak', projectId: null } });
      expect(knownIssuerOf(keycloak, { subdomain: 'sso.example.com/realms/acme' })).toBe('https://sso.example.com/realms/acme');

      // The catalog's google, whose issuer is https://accounts.google.com, sent to the loopback
      // server: its iss names the server the flow went to, but not Google.
      const google = await startOAuthProvider({ clients: [{ ...CLIENT, redirectUris: [`${app.publicUrl}/connect/google/callback`] }] });
      try {
        await app.database.prisma.toolkit.updateMany({
          where: { slug: 'google', projectId: null },
          data: { authorizeUrl: google.authorizeUrl, tokenUrl: google.tokenUrl },
        });
        const config = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, {
          input: { toolkit: 'google', name: 'Our Google app', credentials: CLIENT, scopes: ['openid'] },
        });
        expect(config.errors).toBeUndefined();
        const { connectLink } = await newLink('u_issuer', 'google');
        const browser = new Browser();
        const { url: callback } = await browser.navigate(await clickConnect(browser, connectLink.url), {
          stopAt: [`${app.publicUrl}/connect/google/callback`],
        });
        expect(new URL(callback).searchParams.get('iss')).toBe(google.issuer);
        const refused = await browser.request(callback);
        expect(refused.status).toBe(400);
        await expectStillPending(connectLink.id);
        expect(google.tokenRequests().authorization_code).toBeUndefined();
      } finally {
        await google.close();
      }
    });
  });
});

describe('auth configs created with the shared redirect path', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  const sharedPath = () => `${app.publicUrl}/connect/oauth2/callback`;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    // The provider knows only the shared path: the redirect URI registered for the old config.
    provider = await startOAuthProvider({ clients: [{ ...CLIENT, redirectUris: [`${app.publicUrl}/connect/oauth2/callback`] }] });
    const created = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
      input: {
        slug: 'legacy',
        name: 'Legacy CRM',
        authScheme: 'OAUTH2',
        oauth2: { authorizeUrl: provider.authorizeUrl, tokenUrl: provider.tokenUrl, scopes: ['openid'] },
      },
    });
    expect(created.errors).toBeUndefined();
    const config = await app.gql(
      `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`,
      { input: { toolkit: 'legacy', name: 'Legacy app', credentials: CLIENT } },
    );
    expect(config.errors).toBeUndefined();
    // What the migration does for every OAuth config that existed before per-toolkit paths.
    await app.database.prisma.authConfig.updateMany({ data: { sharedRedirectPath: true } });
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  it('keeps serving and reporting the redirect URI registered at the provider', async () => {
    const configs = await app.gql(`{ authConfigs(toolkit: "legacy") { edges { node { redirectUri } } } }`);
    expect(configs.data!.authConfigs.edges).toEqual([{ node: { redirectUri: sharedPath() } }]);

    const { session, clientToken } = await startSession(app, 'u_legacy', ['legacy']);
    const { connectLink } = await authorizeLink(app, clientToken, {
      sessionId: session.id,
      toolkit: 'legacy',
      callbackUrl: `${CALLBACK_ORIGIN}/done`,
    });
    const browser = new Browser();
    const { url, history } = await browser.navigate(await clickConnect(browser, connectLink.url), { stopAt: [CALLBACK_ORIGIN] });
    expect(history.some((hop) => hop.startsWith(`${sharedPath()}?`))).toBe(true);
    expect(new URL(url).searchParams.get('status')).toBe('success');
  });
});

describe('requests to /connect/* are small and of the methods the flow uses', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  let redirectUri: string;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider, redirectUri } = await setUpOAuthToolkit(app));
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  /** A browser in the middle of a flow (its cookies sent along), at the provider's page. */
  async function midFlow(userId: string) {
    const { session, clientToken } = await startSession(app, userId, ['acme']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'acme' });
    const browser = new Browser();
    const start = await clickConnect(browser, connectLink.url);
    await browser.navigate(start, { stopAt: [provider.issuer] });
    const cookie = Object.entries(browser.cookies(app.publicUrl))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    return { browser, start, cookie, connectLink };
  }

  it('answers other methods with 405 and Allow', async () => {
    const { browser, start } = await midFlow('u_methods');
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await browser.request(redirectUri, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST');
    }
    const postStart = await browser.request(start, { method: 'POST', form: { authorize_url: 'https://attacker.example/' } });
    expect(postStart.status).toBe(405);
    expect(postStart.headers.get('allow')).toBe('GET');
  });

  /** Sends a POST to the callback and writes `chunks` of 16 KiB, never ending the body. */
  function postWithoutEnd(cookie: string, headers: Record<string, string | number>, chunks: number) {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(redirectUri, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
      req.on('response', (response) => {
        resolve(response);
        req.destroy();
      });
      req.on('error', reject);
      for (let i = 0; i < chunks; i++) req.write(`x${i}=${'a'.repeat(16 * 1024)}&`);
    });
  }

  it('refuses a body over 16 KiB while it is still arriving, and one announced as larger before reading it', async () => {
    const { cookie, connectLink } = await midFlow('u_big');
    // Chunked: the answer comes while the client is still sending, so the body is not buffered to its end.
    const streamed = await postWithoutEnd(cookie, { 'transfer-encoding': 'chunked' }, 4);
    expect(streamed.statusCode).toBe(413);
    streamed.resume();
    const announced = await postWithoutEnd(cookie, { 'content-length': 100 * 1024 * 1024 }, 1);
    expect(announced.statusCode).toBe(413);
    announced.resume();
    const link = await app.database.prisma.connectLink.findUniqueOrThrow({ where: { id: rawId(connectLink.id) } });
    expect(link.status).toBe('PENDING');
  });

  it('stores nothing the browser sent in the flow session', async () => {
    await app.database.prisma.oAuthSession.deleteMany();
    const { browser, start } = await midFlow('u_session');
    const expectOnlyFlowData = async () => {
      const sessions = await app.database.prisma.oAuthSession.findMany();
      expect(sessions.length).toBeGreaterThan(0);
      for (const { data } of sessions) {
        const grant = (data as { grant: Record<string, unknown> }).grant;
        expect(grant).toMatchObject({ provider: 'oauth2', state: expect.any(String), code_verifier: expect.any(String) });
        expect(['code_verifier', 'nonce', 'provider', 'state']).toEqual(expect.arrayContaining(Object.keys(grant)));
        expect(JSON.stringify(data)).not.toMatch(/junk|attacker/);
      }
    };
    // The flow started again with parameters of the browser's choosing.
    const restarted = await browser.request(`${start}?authorize_url=https://attacker.example/&junk=${'j'.repeat(4000)}`);
    expect(restarted.status).toBe(302);
    expect(restarted.headers.get('location')!.startsWith(provider.authorizeUrl)).toBe(true);
    await expectOnlyFlowData();
    // A form_post callback (under the cap) with more of them.
    const posted = await browser.request(redirectUri, { form: { junk: 'k'.repeat(8000), state: 'not-the-state' } });
    expect(posted.status).toBe(400);
    await expectOnlyFlowData();
  });
});
