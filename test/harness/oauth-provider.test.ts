// Self-test of the OAuth test harness: a real oidc-provider on loopback (test/support/oauth-provider.ts)
// and the cookie-jar browser that clicks through its login/consent pages (test/support/browser.ts).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { startOAuthProvider, type OAuthProvider } from '../support/oauth-provider.js';

const CLIENT = { clientId: 'connect-app', clientSecret: 'connect-secret' };

let callbackServer: Server;
let redirectUri: string;
let provider: OAuthProvider;
let rotating: OAuthProvider;

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authorizationUrl(
  op: OAuthProvider,
  params: { clientId?: string; scope?: string; state: string; challenge?: string },
): string {
  const url = new URL(op.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId ?? CLIENT.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', params.scope ?? 'openid offline_access');
  url.searchParams.set('state', params.state);
  if (params.challenge) {
    url.searchParams.set('code_challenge', params.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.href;
}

async function tokenRequest(
  op: OAuthProvider,
  body: Record<string, string>,
  client: { clientId: string; clientSecret: string } = CLIENT,
  auth: 'post' | 'basic' = 'post',
): Promise<{ status: number; json: TokenResponse }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams(body);
  if (auth === 'post') {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  } else {
    const credentials = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const response = await fetch(op.tokenUrl, { method: 'POST', headers, body: form });
  return { status: response.status, json: (await response.json()) as TokenResponse };
}

/** Runs the whole browser dance and the code exchange; returns the token response. */
async function connect(
  op: OAuthProvider,
  browser: Browser,
  options: { login?: string; scope?: string; auth?: 'post' | 'basic' } = {},
) {
  const client = CLIENT;
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const result = await browser.navigate(
    authorizationUrl(op, { clientId: client.clientId, scope: options.scope, state, challenge }),
    { login: options.login, stopAt: [redirectUri] },
  );
  const callback = new URL(result.url);
  expect(callback.searchParams.get('state')).toBe(state);
  const code = callback.searchParams.get('code');
  expect(code, `no code in ${result.url}`).toBeTruthy();
  const tokens = await tokenRequest(
    op,
    { grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri, code_verifier: verifier },
    client,
    options.auth,
  );
  return { ...result, code: code!, verifier, tokens };
}

beforeAll(async () => {
  callbackServer = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`callback ok ${req.url}`);
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/connect/acme/callback`;

  const clients = [{ ...CLIENT, redirectUris: [redirectUri] }];
  [provider, rotating] = await Promise.all([
    startOAuthProvider({ clients, scopes: ['contacts.read'] }),
    startOAuthProvider({ clients, rotateRefreshToken: true, accessTokenTtlSeconds: 5 }),
  ]);
});

afterAll(async () => {
  await Promise.all([provider?.close(), rotating?.close()]);
  await new Promise((resolve) => callbackServer?.close(resolve));
});

describe('oauth provider harness', () => {
  it('exposes its endpoints on the loopback issuer', async () => {
    expect(provider.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(provider.authorizeUrl).toBe(`${provider.issuer}/auth`);
    expect(provider.tokenUrl).toBe(`${provider.issuer}/token`);
    expect(provider.revokeUrl).toBe(`${provider.issuer}/token/revocation`);
    expect(provider.userInfoUrl).toBe(`${provider.issuer}/me`);
    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: provider.issuer,
      authorization_endpoint: provider.authorizeUrl,
      token_endpoint: provider.tokenUrl,
      revocation_endpoint: provider.revokeUrl,
      userinfo_endpoint: provider.userInfoUrl,
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access', 'contacts.read']));
  });

  it('runs authorization code + PKCE through login and consent, then refreshes', async () => {
    const before = provider.tokenRequests();
    const browser = new Browser();
    const { tokens, history, response, code, verifier } = await connect(provider, browser, {
      scope: 'openid offline_access contacts.read',
    });

    expect(response).toBeNull(); // stopped before requesting the redirect_uri
    expect(history[0]).toMatch(/\/auth\?/);
    expect(history.filter((url) => /\/interaction\/[^/]+$/.test(url)).length).toBeGreaterThanOrEqual(2); // login + consent pages
    expect(browser.cookies(provider.issuer)).toHaveProperty('_session');

    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(tokens.json.access_token).toBeTruthy();
    expect(tokens.json.refresh_token).toBeTruthy(); // issued although offline_access was dropped (no prompt=consent)
    expect(tokens.json.id_token).toBeTruthy();
    expect(tokens.json.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'contacts.read']));

    const userinfo = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${tokens.json.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice' });

    // Without rotation the same refresh token keeps working.
    for (let i = 0; i < 2; i += 1) {
      const refreshed = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token! });
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.access_token).toBeTruthy();
      expect(refreshed.json.access_token).not.toBe(tokens.json.access_token);
      expect(refreshed.json.refresh_token ?? tokens.json.refresh_token).toBe(tokens.json.refresh_token);
    }

    // The code is single-use, and replaying it revokes the grant (RFC 6749 §4.1.2), refresh token included.
    const reused = await tokenRequest(provider, {
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
    });
    expect(reused.json.error).toBe('invalid_grant');
    const afterReplay = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token! });
    expect(afterReplay.json.error).toBe('invalid_grant');

    const after = provider.tokenRequests();
    expect((after.authorization_code ?? 0) - (before.authorization_code ?? 0)).toBe(2);
    expect((after.refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(3);
  });

  it('remembers the session: a second connect skips login and consent', async () => {
    const browser = new Browser();
    await connect(provider, browser, { login: 'bob' });
    const second = await connect(provider, browser, { login: 'ignored' });
    expect(second.history.some((url) => url.includes('/interaction/'))).toBe(false);
    const userinfo = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${second.tokens.json.access_token}` } });
    expect(await userinfo.json()).toMatchObject({ sub: 'bob', email: 'bob@example.com' });
  });

  it('requires PKCE and the matching code_verifier', async () => {
    const browser = new Browser();
    const withoutPkce = await browser.navigate(authorizationUrl(provider, { state: 's1' }), { stopAt: [redirectUri] });
    const error = new URL(withoutPkce.url);
    expect(error.searchParams.get('error')).toBe('invalid_request');
    expect(error.searchParams.get('state')).toBe('s1');

    const { challenge } = pkce();
    const result = await browser.navigate(authorizationUrl(provider, { state: 's2', challenge }), { stopAt: [redirectUri] });
    const code = new URL(result.url).searchParams.get('code')!;
    const wrong = await tokenRequest(provider, {
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce().verifier,
    });
    expect(wrong.json.error).toBe('invalid_grant');
  });

  it('accepts client_secret_basic as well as client_secret_post', async () => {
    const { tokens } = await connect(provider, new Browser(), { auth: 'basic' });
    expect(tokens.status).toBe(200);
    const refreshed = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token! }, CLIENT, 'basic');
    expect(refreshed.status).toBe(200);
    const badSecret = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token! },
      { ...CLIENT, clientSecret: 'wrong' },
      'basic',
    );
    expect(badSecret.status).toBe(401);
    expect(badSecret.json.error).toBe('invalid_client');
  });

  it('rotates refresh tokens and revokes the chain when an old one is reused', async () => {
    const { tokens } = await connect(rotating, new Browser());
    expect(tokens.json.expires_in).toBe(5);
    const first = tokens.json.refresh_token!;

    const rotated = await tokenRequest(rotating, { grant_type: 'refresh_token', refresh_token: first });
    expect(rotated.status).toBe(200);
    const second = rotated.json.refresh_token!;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);

    const reused = await tokenRequest(rotating, { grant_type: 'refresh_token', refresh_token: first });
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe('invalid_grant');
    // Reuse detection revoked the whole grant, the newest token included.
    const afterReuse = await tokenRequest(rotating, { grant_type: 'refresh_token', refresh_token: second });
    expect(afterReuse.json.error).toBe('invalid_grant');
  });

  it('revokes refresh tokens at the revocation endpoint', async () => {
    const { tokens } = await connect(provider, new Browser());
    const revoked = await fetch(provider.revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.json.refresh_token!,
        token_type_hint: 'refresh_token',
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
      }),
    });
    expect(revoked.status).toBe(200);
    const refreshed = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token! });
    expect(refreshed.json.error).toBe('invalid_grant');
  });

  it('revokeAll() invalidates every grant of the account', async () => {
    const alice = await connect(provider, new Browser(), { login: 'carol' });
    const dave = await connect(provider, new Browser(), { login: 'dave' });

    await provider.revokeAll('carol');
    const carolRefresh = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: alice.tokens.json.refresh_token! });
    expect(carolRefresh.json.error).toBe('invalid_grant');
    const daveRefresh = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: dave.tokens.json.refresh_token! });
    expect(daveRefresh.status).toBe(200);

    await provider.revokeAll();
    const afterAll = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: dave.tokens.json.refresh_token! });
    expect(afterAll.json.error).toBe('invalid_grant');
    const userinfo = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${dave.tokens.json.access_token}` } });
    expect(userinfo.status).toBe(401);
  });

  it('deny: true cancels at the consent page → error=access_denied', async () => {
    const { challenge } = pkce();
    const result = await new Browser().navigate(authorizationUrl(provider, { state: 'denied', challenge }), {
      deny: true,
      stopAt: [redirectUri],
    });
    expect(result.history.some((url) => url.endsWith('/abort'))).toBe(true);
    const callback = new URL(result.url);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('denied');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('without stopAt, navigate ends at the first non-redirect response (the callback page)', async () => {
    const { challenge } = pkce();
    const result = await new Browser().navigate(authorizationUrl(provider, { state: 'follow', challenge }));
    expect(result.url.startsWith(redirectUri)).toBe(true);
    expect(result.history.at(-1)).toBe(result.url);
    expect(result.response?.status).toBe(200);
    expect(await result.response!.text()).toMatch(/^callback ok \/connect\/acme\/callback\?code=/);
  });

  it('counts token requests by grant_type', async () => {
    const fresh = await startOAuthProvider({ clients: [{ ...CLIENT, redirectUris: [redirectUri] }] });
    try {
      expect(fresh.tokenRequests()).toEqual({});
      const { tokens } = await connect(fresh, new Browser());
      for (let i = 0; i < 3; i += 1) {
        await tokenRequest(fresh, { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token! });
      }
      await tokenRequest(fresh, { grant_type: 'refresh_token', refresh_token: 'not-a-token' }); // failures count too
      await tokenRequest(fresh, { grant_type: 'client_credentials' });
      expect(fresh.tokenRequests()).toEqual({ authorization_code: 1, refresh_token: 4, client_credentials: 1 });
    } finally {
      await fresh.close();
    }
  });
});

describe('browser helpers', () => {
  it('parseForm reads the action, method and inputs of the first form', () => {
    const html = `<html><body>
      <form autocomplete="off" action="/interaction/abc?x=1&amp;y=2" method="post">
        <input type="hidden" name="prompt" value="login"/>
        <input required type="text" name="login" placeholder="Enter any login" value="a&quot;b">
        <input type='password' name=password>
        <input type="checkbox" name="remember" checked>
        <input type="checkbox" name="unchecked">
        <button type="submit" name="go" value="1">Sign-in</button>
      </form>
      <form action="/other"><input name="no" value="1"></form></body></html>`;
    expect(Browser.parseForm(html, 'http://127.0.0.1:9999/interaction/abc')).toEqual({
      action: 'http://127.0.0.1:9999/interaction/abc?x=1&y=2',
      method: 'POST',
      fields: { prompt: 'login', login: 'a"b', password: '', remember: 'on' },
    });
    expect(Browser.parseForm('<form><input name="q" value="v"></form>', 'http://h/p/page')).toEqual({
      action: 'http://h/p/page',
      method: 'GET',
      fields: { q: 'v' },
    });
  });

  it('keeps cookies per host, honouring Path and Max-Age/Expires deletion', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.cookie ?? ''}`);
      const cookies: Record<string, string[]> = {
        '/set': ['a=1; Path=/', 'scoped=2; Path=/deep; HttpOnly; SameSite=Lax', 'gone=3; Max-Age=60'],
        '/clear': ['a=; Max-Age=0; Path=/', 'gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
      };
      res.writeHead(200, { 'set-cookie': cookies[req.url ?? ''] ?? [] }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const browser = new Browser();
      await browser.request(`${base}/set`);
      expect(browser.cookies('127.0.0.1')).toEqual({ a: '1', scoped: '2', gone: '3' });
      expect(browser.cookies('localhost')).toEqual({});
      await browser.request(`${base}/deep/x`);
      await browser.request(`${base}/deeper`);
      await browser.request(`${base}/clear`);
      await browser.request(`${base}/after`);
      expect(seen[1]).toBe('/deep/x scoped=2; a=1; gone=3');
      expect(seen[2]).toBe('/deeper a=1; gone=3');
      expect(seen[4]).toBe('/after ');
      expect(browser.cookies(base)).toEqual({ scoped: '2' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
