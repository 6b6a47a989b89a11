import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAccessOf } from '../src/domain/connections/api-target.js';
import { PROXY_LIMITS } from '../src/domain/connections/proxy.js';
import { connectOAuthAccount, storedCredentials } from './support/accounts.js';
import { startTestApp, type GraphQLResponse, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { startOAuth1Provider, type OAuth1Provider } from './support/oauth1-provider.js';
import { hmacSha1, signatureBaseString, verifyOAuth1 } from './support/oauth1-verify.js';
import { setUpOAuthToolkit } from './support/oauth-flow.js';
import { startRecordingApi, type RecordingApi } from './support/recording-api.js';

const PROXY = /* GraphQL */ `
  mutation Proxy($input: ProxyRequestInput!) {
    proxyRequest(input: $input) { status headers { name value } body json }
  }
`;

const HEADER_KEY = `hk-${'h'.repeat(32)}`;
const QUERY_KEY = `qk-${'q'.repeat(32)}`;
const BASIC_PASSWORD = `bp-${'b'.repeat(32)}`;
const CONSUMER = { clientId: 'consumer-key-0123', clientSecret: `cs-${'c'.repeat(32)}` };

describe('proxyRequest: calls the API as the account, credentials added by the server', () => {
  let app: TestApp;
  let api: RecordingApi;
  let elsewhere: RecordingApi;
  let provider: OAuthProvider;
  let oauth1: OAuth1Provider;
  /** Access tokens the API treats as revoked (answers 401), as a provider does after an early rotation. */
  const rejected = new Set<string>();
  let rejectEveryToken = false;
  const accounts: Record<'header' | 'query' | 'basic' | 'oauth' | 'oauth1', string> = {} as never;
  let keyOwner: { clientToken: string };

  async function connectForm(userId: string, slug: string, values: Record<string, string>) {
    const { session, clientToken } = await startSession(app, userId, [slug]);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: slug });
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    const done = await browser.request(form.action, { method: 'POST', form: { ...form.fields, ...values } });
    expect(await done.text()).toContain('data-testid="connect-success"');
    return { id: connectedAccount.id, clientToken };
  }

  async function createApiToolkit(slug: string, authScheme: string, fields: object[], apiAuth?: object) {
    const created = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
      input: { slug, name: slug, authScheme, apiBaseUrl: `${api.origin}/v1`, fields, ...(apiAuth ? { apiAuth } : {}) },
    });
    expect(created.errors).toBeUndefined();
  }

  function proxy(input: Record<string, unknown>, key?: string) {
    return app.gql(PROXY, { input: { method: 'GET', ...input } }, key);
  }

  function codeOf(result: GraphQLResponse) {
    return result.errors?.[0]?.extensions?.code;
  }

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { graphqlLimits: { requestBodyBytes: 3 * PROXY_LIMITS.bodyBytes } });
    elsewhere = await startRecordingApi((_req, res) => void res.writeHead(200).end('took it'));
    api = await startRecordingApi(async (req, res) => {
      const url = new URL(req.url, api.origin);
      switch (url.pathname) {
        case '/v1/echo':
          res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes', 'set-cookie': 'sid=api-session' });
          // Names only: what the API echoes of the credentials is not what this test checks.
          return void res.end(JSON.stringify({ method: req.method, path: url.pathname, queryNames: [...url.searchParams.keys()], body: req.body.slice(0, 1000) }));
        case '/v1/echo-all':
          // As httpbin does: the request's headers and query, credentials included, in the body and a header.
          res.writeHead(200, { 'content-type': 'application/json', 'x-seen-authorization': req.headers.authorization ?? '' });
          return void res.end(JSON.stringify({ headers: req.headers, query: Object.fromEntries(url.searchParams) }));
        case '/v1/redirect-same':
          return void res.writeHead(307, { location: '/v1/echo?hop=1' }).end();
        case '/v1/redirect-off':
          return void res.writeHead(302, { location: `${elsewhere.origin}/collect` }).end();
        case '/v1/big': {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const megabyte = Buffer.alloc(1024 * 1024, 'x');
          res.on('error', () => {});
          for (let i = 0; i < 6 && !res.destroyed; i++) await new Promise((resolve) => res.write(megabyte, resolve));
          return void res.end();
        }
        case '/v1/slow':
          return; // never answers
        case '/v1/me': {
          // An OAuth API: the token must be one the provider still honours, and not one revoked here.
          const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
          if (rejectEveryToken || rejected.has(token)) return void res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
          const info = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${token}` } });
          res.writeHead(info.status, { 'content-type': 'application/json' });
          return void res.end(await info.text());
        }
        default:
          return void res.writeHead(404).end();
      }
    });

    await createApiToolkit('header-api', 'API_KEY', [{ name: 'apiKey', label: 'Key', secret: true }], {
      headers: [{ name: 'X-Api-Key', value: 'Token {apiKey}' }],
    });
    await createApiToolkit('query-api', 'API_KEY', [{ name: 'apiKey', label: 'Key', secret: true }], {
      query: [{ name: 'api_key', value: '{apiKey}' }],
    });
    await createApiToolkit('basic-api', 'BASIC', [
      { name: 'username', label: 'User', secret: false },
      { name: 'password', label: 'Password', secret: true },
    ]);
    ({ provider } = await setUpOAuthToolkit(app, {}, 'acme', {}, { apiBaseUrl: `${api.origin}/v1` }));

    const header = await connectForm('u_key', 'header-api', { apiKey: HEADER_KEY });
    accounts.header = header.id;
    keyOwner = header;
    accounts.query = (await connectForm('u_query', 'query-api', { apiKey: QUERY_KEY })).id;
    accounts.basic = (await connectForm('u_basic', 'basic-api', { username: 'ada', password: BASIC_PASSWORD })).id;
    accounts.oauth = (await connectOAuthAccount(app, 'u_oauth')).globalId;

    // An OAuth 1 toolkit since dropped from the catalog (its row stays for the accounts on it), its API on loopback.
    oauth1 = await startOAuth1Provider();
    await app.database.prisma.toolkit.create({
      data: {
        slug: 'retired-oauth1',
        name: 'Retired OAuth 1 API',
        authSchemes: ['OAUTH1'],
        oauthVersion: 1,
        requestTokenUrl: oauth1.requestTokenUrl,
        authorizeUrl: oauth1.authorizeUrl,
        tokenUrl: oauth1.accessTokenUrl,
        apiBaseUrl: `${api.origin}/v1`,
        catalogHash: 'dropped',
      },
    });
    const config = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, {
      input: { toolkit: 'retired-oauth1', name: 'Our OAuth 1 app', credentials: CONSUMER },
    });
    expect(config.errors).toBeUndefined();
    accounts.oauth1 = (await connectOAuthAccount(app, 'u_oauth1', 'retired-oauth1')).globalId;
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([api?.close(), elsewhere?.close(), provider?.close(), oauth1?.close()]);
  });

  it('puts an API key in the header the toolkit names, drops hop-by-hop and cookie headers both ways', async () => {
    const before = api.received.length;
    const result = await proxy({
      connectedAccountId: accounts.header,
      path: '/echo?page=2',
      query: [{ name: 'q', value: 'a b' }],
      headers: [
        { name: 'X-Trace', value: 't-1' },
        { name: 'X-Api-Key', value: 'caller-chosen' },
        { name: 'Cookie', value: 'sid=browser' },
        { name: 'Connection', value: 'x-private' },
        { name: 'X-Private', value: 'hop' },
      ],
    });
    expect(result.errors).toBeUndefined();
    const answer = result.data!.proxyRequest;
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ method: 'GET', path: '/v1/echo', queryNames: ['page', 'q'], body: '' });
    const names = answer.headers.map((header: { name: string }) => header.name);
    expect(names).toContain('x-echo');
    expect(names).not.toContain('set-cookie');

    const received = api.received.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/v1/echo?page=2&q=a+b');
    expect(received[0]!.headers['x-api-key']).toBe(`Token ${HEADER_KEY}`);
    expect(received[0]!.headers['x-trace']).toBe('t-1');
    expect(received[0]!.headers.cookie).toBeUndefined();
    expect(received[0]!.headers['x-private']).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(HEADER_KEY);
  });

  it('puts an API key in the query parameter the toolkit names, replacing one the caller sent', async () => {
    const before = api.received.length;
    const result = await proxy({ connectedAccountId: accounts.query, path: '/echo', query: [{ name: 'api_key', value: 'mine' }] });
    expect(result.errors).toBeUndefined();
    const received = api.received.slice(before);
    expect(new URL(received[0]!.url, api.origin).searchParams.getAll('api_key')).toEqual([QUERY_KEY]);
    expect(JSON.stringify(result)).not.toContain(QUERY_KEY);
  });

  it('sends HTTP Basic credentials from the account', async () => {
    const before = api.received.length;
    const result = await proxy({ connectedAccountId: accounts.basic, method: 'POST', path: '/echo', body: '{"a":1}', headers: [{ name: 'content-type', value: 'application/json' }] });
    expect(result.errors).toBeUndefined();
    expect(result.data!.proxyRequest.json).toMatchObject({ method: 'POST', body: '{"a":1}' });
    const received = api.received.slice(before);
    expect(received[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`ada:${BASIC_PASSWORD}`).toString('base64')}`);
    expect(JSON.stringify(result)).not.toContain(BASIC_PASSWORD);
  });

  it('replaces credentials an API repeats in its answer, in the body and in headers', async () => {
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(accounts.oauth) } });
    const { accessToken } = storedCredentials(app, row);
    for (const connectedAccountId of [accounts.oauth, accounts.basic, accounts.query]) {
      const result = await proxy({ connectedAccountId, path: '/echo-all' });
      expect(result.errors).toBeUndefined();
      expect(result.data!.proxyRequest.status).toBe(200);
      const text = JSON.stringify(result);
      for (const secret of [accessToken!, BASIC_PASSWORD, Buffer.from(`ada:${BASIC_PASSWORD}`).toString('base64'), QUERY_KEY]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('[REDACTED]');
    }
  });

  it('sends the OAuth 2 access token as a bearer token, which the provider honours', async () => {
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(accounts.oauth) } });
    const { accessToken } = storedCredentials(app, row);
    const before = api.received.length;
    const result = await proxy({ connectedAccountId: accounts.oauth, path: '/me' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.proxyRequest.status).toBe(200);
    expect(result.data!.proxyRequest.json).toHaveProperty('sub');
    expect(api.received.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${accessToken}`]);
    expect(JSON.stringify(result)).not.toContain(accessToken!);
  });

  it('refreshes once and retries once when the API answers 401', async () => {
    const id = rawId(accounts.oauth);
    const stale = storedCredentials(app, await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id } })).accessToken!;
    rejected.add(stale);
    const refreshes = provider.tokenRequests().refresh_token ?? 0;
    const before = api.received.length;

    const result = await proxy({ connectedAccountId: accounts.oauth, path: '/me' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.proxyRequest.status).toBe(200);
    expect(result.data!.proxyRequest.json).toHaveProperty('sub');
    expect(provider.tokenRequests().refresh_token ?? 0).toBe(refreshes + 1);
    const fresh = storedCredentials(app, await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id } })).accessToken!;
    expect(fresh).not.toBe(stale);
    expect(api.received.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${stale}`, `Bearer ${fresh}`]);

    // When the refreshed token is refused too, that 401 is the answer: one refresh and one retry per call, no more.
    rejectEveryToken = true;
    const requests = api.received.length;
    const again = await proxy({ connectedAccountId: accounts.oauth, path: '/me' });
    rejectEveryToken = false;
    expect(again.data!.proxyRequest.status).toBe(401);
    expect(provider.tokenRequests().refresh_token ?? 0).toBe(refreshes + 2);
    expect(api.received.length).toBe(requests + 2);
  });

  it('checks OAuth 1.0a signatures as the specification computes them', () => {
    // OAuth Core 1.0, Appendix A.5: the photo request signed with HMAC-SHA1.
    const base = signatureBaseString('GET', 'http://photos.example.net/photos', [
      ['file', 'vacation.jpg'],
      ['size', 'original'],
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '1191242096'],
      ['oauth_nonce', 'kllo9940pd9333jh'],
      ['oauth_version', '1.0'],
    ]);
    expect(base).toBe(
      'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal',
    );
    expect(hmacSha1(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
  });

  it('signs OAuth 1.0a requests with the consumer and token secrets: query, form body and every redirect hop', async () => {
    const token = oauth1.grantedTokens().at(-1)!;
    const secrets = { consumerSecret: CONSUMER.clientSecret, tokenSecret: `ats-${token}` };
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(accounts.oauth1) } });
    expect(storedCredentials(app, row)).toMatchObject({ accessToken: token, accessSecret: secrets.tokenSecret });
    const before = api.received.length;

    const get = await proxy({
      connectedAccountId: accounts.oauth1,
      path: '/echo?ids[]=2&ids[]=1&q=a+b',
      query: [
        { name: 'note', value: "it's 50% *done*! (ünïcode ✓) a=b&c" },
        { name: 'ids[]', value: '0' },
        { name: 'oauth_token', value: 'caller-chosen' },
      ],
    });
    const form = 'status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21&include_entities=true&empty=';
    const post = await proxy({
      connectedAccountId: accounts.oauth1,
      method: 'POST',
      path: '/echo?page=2',
      headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
      body: form,
    });
    const hop = await proxy({ connectedAccountId: accounts.oauth1, path: '/redirect-same' });
    for (const result of [get, post, hop]) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.proxyRequest.status).toBe(200);
    }

    const received = api.received.slice(before);
    expect(received.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['GET /v1/echo', 'POST /v1/echo', 'GET /v1/redirect-same', 'GET /v1/echo']);
    const nonces = new Set<string>();
    for (const request of received) {
      const check = verifyOAuth1(request, secrets);
      expect(check.valid, check.baseString).toBe(true);
      expect(check.oauth).toMatchObject({ oauth_consumer_key: CONSUMER.clientId, oauth_token: token, oauth_signature_method: 'HMAC-SHA1', oauth_version: '1.0' });
      expect(Math.abs(Number(check.oauth.oauth_timestamp) - Date.now() / 1000)).toBeLessThan(60);
      nonces.add(check.oauth.oauth_nonce!);
    }
    expect(nonces.size).toBe(received.length);
    // What was signed is what arrived: the caller's query (its oauth_token dropped), the form as it was sent.
    expect([...new URL(received[0]!.url, api.origin).searchParams]).toEqual([
      ['ids[]', '2'],
      ['ids[]', '1'],
      ['q', 'a b'],
      ['note', "it's 50% *done*! (ünïcode ✓) a=b&c"],
      ['ids[]', '0'],
    ]);
    expect(received[1]!.body).toBe(form);
    expect(received[3]!.url).toBe('/v1/echo?hop=1');

    // The check is not vacuous: another query, form, method or token secret does not verify.
    const first = received[0]!;
    expect(verifyOAuth1({ ...first, url: first.url.replace('q=a+b', 'q=a+c') }, secrets).valid).toBe(false);
    expect(verifyOAuth1({ ...received[1]!, body: form.replace('true', 'false') }, secrets).valid).toBe(false);
    expect(verifyOAuth1({ ...first, method: 'POST' }, secrets).valid).toBe(false);
    expect(verifyOAuth1(first, { ...secrets, tokenSecret: 'ats-someone-else' }).valid).toBe(false);
    expect(JSON.stringify([get, post, hop])).not.toContain(secrets.tokenSecret);
    expect(JSON.stringify([get, post, hop])).not.toContain(CONSUMER.clientSecret);
  });

  it('refuses paths that leave the API base, before sending anything', async () => {
    const before = api.received.length;
    for (const path of [
      '/../secret',
      '/%2e%2e/secret',
      '/%2E%2E/secret',
      '/%252e%252e/secret',
      '/echo/..%2fsecret',
      '/.%2e/secret',
      '/echo\\..\\secret',
      'echo',
      `${elsewhere.origin}/collect`,
      `${api.origin}/outside`,
      '//evil.example/x',
      'https://evil.example/v1/echo',
    ]) {
      const result = await proxy({ connectedAccountId: accounts.header, path });
      expect(codeOf(result), path).toBe('BAD_USER_INPUT');
    }
    expect(api.received.slice(before)).toEqual([]);
    expect(elsewhere.received).toEqual([]);

    // An absolute URL already under the base is the same request.
    const absolute = await proxy({ connectedAccountId: accounts.header, path: `${api.origin}/v1/echo` });
    expect(absolute.data!.proxyRequest.status).toBe(200);
  });

  it('follows a redirect on the API host with the credentials, and refuses one to another host', async () => {
    const before = api.received.length;
    const same = await proxy({ connectedAccountId: accounts.query, path: '/redirect-same' });
    expect(same.errors).toBeUndefined();
    expect(same.data!.proxyRequest.json).toMatchObject({ path: '/v1/echo', queryNames: ['hop', 'api_key'] });
    const hop = api.received.slice(before)[1]!;
    expect(new URL(hop.url, api.origin).searchParams.get('api_key')).toBe(QUERY_KEY);

    for (const id of [accounts.header, accounts.query, accounts.oauth]) {
      const off = await proxy({ connectedAccountId: id, path: '/redirect-off' });
      expect(codeOf(off)).toBe('FORBIDDEN');
      expect(off.errors![0]!.message).toContain('another host');
    }
    expect(elsewhere.received).toEqual([]);
  });

  it('cuts a response body over 5 MB and refuses a request body over 5 MB', async () => {
    const big = await proxy({ connectedAccountId: accounts.header, path: '/big' });
    expect(codeOf(big)).toBe('PROVIDER_UNAVAILABLE');
    expect(big.errors![0]!.message).toContain('larger than');

    const before = api.received.length;
    const body = 'x'.repeat(PROXY_LIMITS.bodyBytes + 1);
    const tooLarge = await proxy({ connectedAccountId: accounts.header, method: 'POST', path: '/echo', body });
    expect(codeOf(tooLarge)).toBe('BAD_USER_INPUT');
    expect(api.received.slice(before)).toEqual([]);
    const justRight = await proxy({ connectedAccountId: accounts.header, method: 'PUT', path: '/echo', body: body.slice(1) });
    expect(justRight.data!.proxyRequest.status).toBe(200);
    expect(api.received.at(-1)!.body).toHaveLength(PROXY_LIMITS.bodyBytes);
  });

  it('gives up when the API does not answer within the timeout the caller chose', async () => {
    const slow = await proxy({ connectedAccountId: accounts.header, path: '/slow', timeoutMs: 200 });
    expect(codeOf(slow)).toBe('PROVIDER_UNAVAILABLE');
    expect(slow.errors![0]!.message).toContain('200 ms');
  });

  it("lets a session client token call its own user's accounts, and no one else's", async () => {
    const own = await proxy({ connectedAccountId: accounts.header, path: '/echo' }, keyOwner.clientToken);
    expect(own.errors).toBeUndefined();
    expect(own.data!.proxyRequest.status).toBe(200);

    const before = api.received.length;
    const { clientToken } = await startSession(app, 'u_neighbour', ['header-api']);
    for (const id of Object.values(accounts)) {
      const result = await proxy({ connectedAccountId: id, path: '/echo' }, clientToken);
      expect(codeOf(result)).toBe('NOT_FOUND');
    }
    for (const id of [accounts.query, accounts.basic, accounts.oauth]) {
      expect(codeOf(await proxy({ connectedAccountId: id, path: '/echo' }, keyOwner.clientToken))).toBe('NOT_FOUND');
    }
    expect(api.received.slice(before)).toEqual([]);
  });

  it('checks the placeholders of a custom apiAuth, and refuses to guess where an API key goes', async () => {
    const bad = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
      input: {
        slug: 'typo-api',
        name: 'Typo',
        authScheme: 'API_KEY',
        fields: [{ name: 'apiKey', label: 'Key', secret: true }],
        apiAuth: { headers: [{ name: 'X-Key', value: '{apiKy}' }] },
      },
    });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toContain('{apiKy}');

    await createApiToolkit('unsaid-api', 'API_KEY', [{ name: 'apiKey', label: 'Key', secret: true }]);
    const { id } = await connectForm('u_unsaid', 'unsaid-api', { apiKey: HEADER_KEY });
    const before = api.received.length;
    const refused = await proxy({ connectedAccountId: id, path: '/echo' });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.message).toContain('does not say how');
    expect(api.received.slice(before)).toEqual([]);
  });

  it('takes where credentials go for catalog toolkits from the catalog, per scheme', async () => {
    const toolkits = app.database.prisma.toolkit;
    const openai = await toolkits.findFirstOrThrow({ where: { slug: 'openai', projectId: null } });
    expect(apiAccessOf(openai, 'API_KEY')).toEqual({ baseUrl: 'https://api.openai.com/v1', auth: { headers: { Authorization: 'Bearer {apiKey}' } } });
    const github = await toolkits.findFirstOrThrow({ where: { slug: 'github', projectId: null } });
    expect(apiAccessOf(github, 'OAUTH2').auth).toEqual({ headers: { Authorization: 'Bearer {accessToken}' } });
  });
});
