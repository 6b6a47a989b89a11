import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/index.js';
import { ISSUE_ACCESS_TOKEN, makeDue, storedCredentials } from './support/accounts.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { AUTHORIZE, authorizeLink, CREATE_SESSION, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { jsonAt, startProviderDouble, type ProviderDouble, type ProviderRequest } from './support/provider-double.js';

/**
 * What each audited toolkit must put on the wire, written from the providers' own documentation (not read back
 * from the catalog): the authorization URL the browser is sent to, the code exchange and the refresh the server
 * sends, the identity call, and where its API calls go. The providers are played by a loopback double that the
 * app's egress sends every host to, so the requests are the ones the real providers would receive.
 */
interface ProviderCase {
  slug: string;
  /** Origin and path of the authorization endpoint. */
  authorize: string;
  /** The `scope` parameter exactly (defaults, delimiter), or null when none is sent. */
  scope: string | null;
  /** Provider-specific authorization parameters. */
  params?: Record<string, string>;
  /** Parameters that must not be sent. */
  absent?: string[];
  /** PKCE S256 unless false. */
  pkce?: false;
  token: string;
  /** How the client authenticates at the token endpoint: HTTP Basic, or client_id + client_secret in the body. */
  clientAuth: 'basic' | 'post';
  /** The code exchange's body type (form unless said). */
  tokenBody?: 'json';
  /** Where refresh grants go, when not to `token`. */
  refresh?: string;
  identity: { method?: 'POST'; url: string; headers?: Record<string, string> };
  /** Where a proxied `/probe` lands: the API base (placeholders filled from what the connection learnt) + /probe. */
  apiBase: string;
  /** The token endpoint's answer when not the standard one. */
  tokenAnswer?: Record<string, unknown>;
}

const googleAuthorize = {
  authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
  // Offline access (a refresh token), consent (a new one on every re-connect), incremental authorization.
  params: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  token: 'https://oauth2.googleapis.com/token',
  clientAuth: 'post',
  identity: { url: 'https://openidconnect.googleapis.com/v1/userinfo' },
} as const;
const googleScope = (...scopes: string[]) => ['openid email profile', ...scopes.map((s) => `https://www.googleapis.com/auth/${s}`)].join(' ');

const microsoftAuthorize = {
  authorize: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  token: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  clientAuth: 'post',
  identity: { url: 'https://graph.microsoft.com/v1.0/me' },
  apiBase: 'https://graph.microsoft.com/v1.0',
} as const;
const graphScope = (...scopes: string[]) => ['openid profile email offline_access User.Read', ...scopes].join(' ');

const atlassianAuthorize = {
  authorize: 'https://auth.atlassian.com/authorize',
  params: { audience: 'api.atlassian.com', prompt: 'consent' },
  token: 'https://auth.atlassian.com/oauth/token',
  clientAuth: 'post',
  identity: { url: 'https://api.atlassian.com/me' },
} as const;

const cases: ProviderCase[] = [
  { slug: 'google', ...googleAuthorize, scope: 'openid profile email', apiBase: 'https://www.googleapis.com' },
  { slug: 'gmail', ...googleAuthorize, scope: googleScope('gmail.readonly', 'gmail.send'), apiBase: 'https://gmail.googleapis.com/gmail/v1' },
  { slug: 'googlecalendar', ...googleAuthorize, scope: googleScope('calendar.events'), apiBase: 'https://www.googleapis.com/calendar/v3' },
  { slug: 'googledrive', ...googleAuthorize, scope: googleScope('drive.file'), apiBase: 'https://www.googleapis.com/drive/v3' },
  { slug: 'googlesheets', ...googleAuthorize, scope: googleScope('spreadsheets'), apiBase: 'https://sheets.googleapis.com/v4' },
  { slug: 'googledocs', ...googleAuthorize, scope: googleScope('documents'), apiBase: 'https://docs.googleapis.com/v1' },
  { slug: 'microsoft', ...microsoftAuthorize, scope: graphScope() },
  { slug: 'outlook', ...microsoftAuthorize, scope: graphScope('Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite') },
  { slug: 'onedrive', ...microsoftAuthorize, scope: graphScope('Files.ReadWrite') },
  {
    slug: 'microsoftteams',
    ...microsoftAuthorize,
    scope: graphScope('Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Send', 'Chat.ReadWrite'),
  },
  {
    // v2: bot scopes in `scope` (comma-separated), user scopes only in `user_scope`, none asked for by default.
    slug: 'slack',
    authorize: 'https://slack.com/oauth/v2/authorize',
    scope: 'channels:read,chat:write,users:read',
    absent: ['user_scope'],
    pkce: false,
    token: 'https://slack.com/api/oauth.v2.access',
    clientAuth: 'post',
    identity: { url: 'https://slack.com/api/auth.test' },
    apiBase: 'https://slack.com/api',
    tokenAnswer: {
      ok: true,
      access_token: 'at-slack',
      token_type: 'bot',
      scope: 'channels:read,chat:write,users:read',
      refresh_token: 'rt-slack',
      expires_in: 43200,
      team: { id: 'T1' },
      authed_user: { id: 'U1' },
    },
  },
  {
    slug: 'github',
    authorize: 'https://github.com/login/oauth/authorize',
    scope: 'read:user user:email',
    token: 'https://github.com/login/oauth/access_token',
    clientAuth: 'post',
    identity: { url: 'https://api.github.com/user' },
    apiBase: 'https://api.github.com',
  },
  {
    // Basic client authentication and a JSON body at the token endpoint; Notion-Version on every API call.
    slug: 'notion',
    authorize: 'https://api.notion.com/v1/oauth/authorize',
    scope: null,
    params: { owner: 'user' },
    token: 'https://api.notion.com/v1/oauth/token',
    clientAuth: 'basic',
    tokenBody: 'json',
    identity: { url: 'https://api.notion.com/v1/users/me', headers: { 'notion-version': '2022-06-28' } },
    apiBase: 'https://api.notion.com/v1',
  },
  {
    slug: 'linear',
    authorize: 'https://linear.app/oauth/authorize',
    scope: 'read',
    token: 'https://api.linear.app/oauth/token',
    clientAuth: 'post',
    identity: { method: 'POST', url: 'https://api.linear.app/graphql' },
    apiBase: 'https://api.linear.app/graphql',
  },
  // Atlassian 3LO: the cloud id comes from accessible-resources after the connection and fills the API base.
  {
    slug: 'atlassian',
    ...atlassianAuthorize,
    scope: 'offline_access read:me read:jira-user read:jira-work',
    apiBase: 'https://api.atlassian.com/ex/jira/cloudId-atlassian',
  },
  {
    slug: 'jira',
    ...atlassianAuthorize,
    scope: 'offline_access read:me read:jira-user read:jira-work write:jira-work',
    apiBase: 'https://api.atlassian.com/ex/jira/cloudId-jira/rest/api/3',
  },
  {
    slug: 'confluence',
    ...atlassianAuthorize,
    scope: 'offline_access read:me read:confluence-space.summary read:confluence-content.all write:confluence-content',
    apiBase: 'https://api.atlassian.com/ex/confluence/cloudId-confluence/wiki/rest/api',
  },
  {
    // The date-versioned token endpoint: /oauth/v1/token is sunset on 2027-02-16.
    slug: 'hubspot',
    authorize: 'https://app.hubspot.com/oauth/authorize',
    scope: 'oauth crm.objects.contacts.read',
    token: 'https://api.hubapi.com/oauth/2026-03/token',
    clientAuth: 'post',
    identity: { url: 'https://api.hubapi.com/account-info/v3/details' },
    apiBase: 'https://api.hubapi.com',
  },
  {
    // The org's API host comes back as instance_url in the token response.
    slug: 'salesforce',
    authorize: 'https://login.salesforce.com/services/oauth2/authorize',
    scope: 'api refresh_token openid',
    token: 'https://login.salesforce.com/services/oauth2/token',
    clientAuth: 'post',
    identity: { url: 'https://login.salesforce.com/services/oauth2/userinfo' },
    apiBase: 'https://acme.my.salesforce.com/services/data/v62.0',
    tokenAnswer: { access_token: 'at-salesforce', refresh_token: 'rt-salesforce', instance_url: 'https://acme.my.salesforce.com', token_type: 'Bearer', expires_in: 7200 },
  },
  {
    slug: 'dropbox',
    authorize: 'https://www.dropbox.com/oauth2/authorize',
    scope: 'account_info.read files.metadata.read files.content.read',
    params: { token_access_type: 'offline' },
    token: 'https://api.dropboxapi.com/oauth2/token',
    clientAuth: 'post',
    identity: { method: 'POST', url: 'https://api.dropboxapi.com/2/users/get_current_account' },
    apiBase: 'https://api.dropboxapi.com/2',
  },
  {
    slug: 'zoom',
    authorize: 'https://zoom.us/oauth/authorize',
    scope: null,
    token: 'https://zoom.us/oauth/token',
    clientAuth: 'basic',
    identity: { url: 'https://api.zoom.us/v2/users/me' },
    apiBase: 'https://api.zoom.us/v2',
  },
  {
    slug: 'discord',
    authorize: 'https://discord.com/api/oauth2/authorize',
    scope: 'identify email',
    token: 'https://discord.com/api/oauth2/token',
    clientAuth: 'post',
    identity: { url: 'https://discord.com/api/v10/users/@me' },
    apiBase: 'https://discord.com/api/v10',
  },
  {
    slug: 'spotify',
    authorize: 'https://accounts.spotify.com/authorize',
    scope: 'user-read-email user-read-private',
    token: 'https://accounts.spotify.com/api/token',
    clientAuth: 'basic',
    identity: { url: 'https://api.spotify.com/v1/me' },
    apiBase: 'https://api.spotify.com/v1',
  },
  {
    // Since 2025: token and refresh endpoints on api.figma.com, Basic client authentication, granular scopes.
    slug: 'figma',
    authorize: 'https://www.figma.com/oauth',
    scope: 'current_user:read file_content:read',
    token: 'https://api.figma.com/v1/oauth/token',
    refresh: 'https://api.figma.com/v1/oauth/refresh',
    clientAuth: 'basic',
    identity: { url: 'https://api.figma.com/v1/me' },
    apiBase: 'https://api.figma.com/v1',
  },
  {
    slug: 'asana',
    authorize: 'https://app.asana.com/-/oauth_authorize',
    scope: 'default',
    token: 'https://app.asana.com/-/oauth_token',
    clientAuth: 'post',
    identity: { url: 'https://app.asana.com/api/1.0/users/me' },
    apiBase: 'https://app.asana.com/api/1.0',
  },
  {
    slug: 'box',
    authorize: 'https://account.box.com/api/oauth2/authorize',
    scope: null,
    token: 'https://api.box.com/oauth2/token',
    clientAuth: 'post',
    identity: { url: 'https://api.box.com/2.0/users/me' },
    apiBase: 'https://api.box.com/2.0',
  },
  {
    slug: 'calendly',
    authorize: 'https://auth.calendly.com/oauth/authorize',
    scope: null,
    token: 'https://auth.calendly.com/oauth/token',
    clientAuth: 'post',
    identity: { url: 'https://api.calendly.com/users/me' },
    apiBase: 'https://api.calendly.com',
  },
];

const catalog = new Map(loadCatalog().map((entry) => [entry.slug, entry]));

const PROXY = /* GraphQL */ `
  mutation Proxy($input: ProxyRequestInput!) { proxyRequest(input: $input) { status } }
`;

const clientOf = (slug: string) => ({ clientId: `${slug}-client`, clientSecret: `${slug}-secret` });
const basic = (slug: string) => `Basic ${Buffer.from(`${slug}-client:${slug}-secret`).toString('base64')}`;
const withoutQuery = (url: string) => url.split('?')[0]!;

/** Which toolkit's client sent a token request: its client id, in the body or in Basic credentials. */
function clientSlugOf(request: ProviderRequest): string | undefined {
  const authorization = String(request.headers.authorization ?? '');
  const id = authorization.startsWith('Basic ')
    ? Buffer.from(authorization.slice(6), 'base64').toString().split(':')[0]
    : request.params.client_id;
  return id?.replace(/-client$/, '');
}

/**
 * The providers' answers: tokens to token requests, and to calls with a toolkit's access token the JSON its
 * catalog identity and metadata read (so the server can learn who connected, and its cloud id).
 */
/** Token answers a test puts in place of the case's, by slug. */
const tokenAnswers = new Map<string, Record<string, unknown>>();

function answer(request: ProviderRequest): { json: unknown } | undefined {
  if (request.params.grant_type) {
    const slug = clientSlugOf(request)!;
    const tokenAnswer = tokenAnswers.get(slug) ?? cases.find((c) => c.slug === slug)?.tokenAnswer ?? {
      access_token: `at-${slug}`,
      refresh_token: `rt-${slug}`,
      token_type: 'Bearer',
      expires_in: 3600,
    };
    return { json: tokenAnswer };
  }
  const slug = /^Bearer at-(.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  const entry = slug ? catalog.get(slug) : undefined;
  if (!entry) return undefined;
  for (const item of entry.metadata) {
    if (item.url && withoutQuery(request.target) === item.url) return { json: jsonAt({ value: item.path }, { value: `${item.field}-${slug}` }) };
  }
  const identity = entry.identity;
  if (identity?.from === 'endpoint' && withoutQuery(request.target) === withoutQuery(identity.url)) {
    const paths = { id: identity.id, email: identity.email, name: identity.name };
    return { json: jsonAt(paths, { id: `user-${slug}`, email: `${slug}@example.com`, name: `User of ${slug}` }) };
  }
  return { json: { probe: true } };
}

describe('what the audited toolkits send to their providers', () => {
  let app: TestApp;
  let double: ProviderDouble;
  let sessionId: string;

  beforeAll(async () => {
    double = await startProviderDouble(answer);
    app = await startTestApp(await createPGliteDatabase(), { RATE_LIMIT_CONNECT_PER_MINUTE: '10000' }, { egress: double.egress });
    const created = await app.gql(CREATE_SESSION, { input: { userId: 'u_audit' } });
    sessionId = created.data!.createSession.session.id;
  });
  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });

  /** Runs the hosted flow up to the provider: the URL the browser is sent to, and the browser holding the flow. */
  async function toProvider(slug: string, configName = `${slug} app`, extra: Record<string, unknown> = {}) {
    const config = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, {
      input: { toolkit: slug, name: configName, credentials: clientOf(slug), ...extra },
    });
    expect(config.errors).toBeUndefined();
    const authorized = await app.gql(AUTHORIZE, { input: { sessionId, toolkit: slug, authConfigId: config.data!.createAuthConfig.authConfig.id } });
    expect(authorized.errors).toBeUndefined();
    const linkUrl: string = authorized.data!.authorize.connectLink.url;
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(linkUrl)).text(), linkUrl);
    const started = await browser.request(form.action, { method: 'POST', form: form.fields });
    expect(started.status).toBe(303);
    const redirect = await browser.request(new URL(started.headers.get('location')!, linkUrl).href);
    expect(redirect.status).toBe(302);
    return { url: new URL(redirect.headers.get('location')!), browser, accountId: authorized.data!.authorize.connectedAccount.id as string };
  }

  /** The one request the double received at `url` (query aside) since request number `from`. */
  function receivedAt(url: string, from: number): ProviderRequest {
    const matching = double.requests.slice(from).filter((request) => withoutQuery(request.target) === url);
    expect(matching.map((request) => request.target)).toHaveLength(1);
    return matching[0]!;
  }

  function expectClientAuth(request: ProviderRequest, c: ProviderCase) {
    if (c.clientAuth === 'basic') {
      expect(request.headers.authorization).toBe(basic(c.slug));
      expect(request.params.client_secret).toBeUndefined();
    } else {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.params).toMatchObject({ client_id: `${c.slug}-client`, client_secret: `${c.slug}-secret` });
    }
  }

  it.each(cases.map((c) => [c.slug, c] as const))('%s', async (slug, c) => {
    const redirectUri = `${app.publicUrl}/connect/${slug}/callback`;

    // (a) The authorization request.
    const { url, browser, accountId } = await toProvider(slug);
    expect(`${url.origin}${url.pathname}`).toBe(c.authorize);
    const query = Object.fromEntries(url.searchParams);
    expect(query).toMatchObject({ client_id: `${slug}-client`, redirect_uri: redirectUri, response_type: 'code', ...c.params });
    expect(query.state).toMatch(/^[0-9a-f]{40}$/);
    expect(query.scope ?? null).toBe(c.scope);
    for (const name of c.absent ?? []) expect(query[name], name).toBeUndefined();
    if (c.pkce === false) expect(query.code_challenge).toBeUndefined();
    else expect(query.code_challenge_method).toBe('S256');

    // (b) The code exchange, when the provider sends the browser back.
    const before = double.requests.length;
    const callback = await browser.request(`${redirectUri}?code=code-${slug}&state=${query.state}`);
    const page = await callback.text();
    expect(page).toContain('data-testid="connect-success"');
    const exchange = receivedAt(c.token, before);
    expect(exchange.method).toBe('POST');
    expect(String(exchange.headers['content-type'])).toContain(c.tokenBody === 'json' ? 'application/json' : 'application/x-www-form-urlencoded');
    expect(exchange.params).toMatchObject({ grant_type: 'authorization_code', code: `code-${slug}`, redirect_uri: redirectUri });
    expectClientAuth(exchange, c);
    if (c.pkce === false) expect(exchange.params.code_verifier).toBeUndefined();
    else expect(createHash('sha256').update(exchange.params.code_verifier!).digest('base64url')).toBe(query.code_challenge);

    // Who connected, asked with the new access token.
    const identity = receivedAt(withoutQuery(c.identity.url), before);
    expect(identity.method).toBe(c.identity.method ?? 'GET');
    expect(identity.headers).toMatchObject({ authorization: `Bearer at-${slug}`, ...c.identity.headers });
    const known = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectedAccount { providerAccount { id } } } }`, { id: accountId });
    expect(known.data!.node).toEqual({ providerAccount: { id: `user-${slug}` } });
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(accountId) } });
    expect(row.status).toBe('ACTIVE');
    expect(storedCredentials(app, row)).toMatchObject({ accessToken: `at-${slug}`, refreshToken: `rt-${slug}` });

    // API calls go to the toolkit's API base, values learnt after the connection filled in.
    const beforeProxy = double.requests.length;
    const proxied = await app.gql(PROXY, { input: { connectedAccountId: accountId, method: 'GET', path: '/probe' } });
    expect(proxied.errors).toBeUndefined();
    expect(double.requests.slice(beforeProxy).map((request) => request.target)).toEqual([`${c.apiBase}/probe`]);

    // The refresh: the same client authentication, at the refresh endpoint.
    await makeDue(app, row.id);
    const beforeRefresh = double.requests.length;
    const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: accountId });
    expect(issued.errors).toBeUndefined();
    const refresh = receivedAt(c.refresh ?? c.token, beforeRefresh);
    expect(refresh.params).toMatchObject({ grant_type: 'refresh_token', refresh_token: `rt-${slug}` });
    expectClientAuth(refresh, c);
  });

  it('Slack: the auth config chooses the user scopes; toolkits without them refuse userScopes', async () => {
    const { url } = await toProvider('slack', 'slack with user scopes', { userScopes: ['search:read', 'users:read'] });
    expect(url.searchParams.get('user_scope')).toBe('search:read,users:read');
    expect(url.searchParams.get('scope')).toBe('channels:read,chat:write,users:read');
    const refused = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, {
      input: { toolkit: 'github', name: 'no user scopes', credentials: clientOf('github'), userScopes: ['repo'] },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('Slack: a user-token-only install is read from authed_user', async () => {
    tokenAnswers.set('slack', {
      ok: true,
      app_id: 'A1',
      team: { id: 'T1' },
      authed_user: { id: 'U1', scope: 'search:read', access_token: 'at-slack', token_type: 'user', refresh_token: 'rt-slack', expires_in: 43200 },
    });
    try {
      const { url, browser, accountId } = await toProvider('slack', 'slack user app');
      const callback = await browser.request(`${app.publicUrl}/connect/slack/callback?code=code-user&state=${url.searchParams.get('state')}`);
      expect(await callback.text()).toContain('data-testid="connect-success"');
      const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(accountId) } });
      expect(row.scopes).toEqual(['search:read']);
      expect(row.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 40_000_000);
      expect(storedCredentials(app, row)).toMatchObject({ accessToken: 'at-slack', refreshToken: 'rt-slack' });
    } finally {
      tokenAnswers.delete('slack');
    }
  });

  it('reached every provider over TLS on port 443, naming the host alone', () => {
    expect(new Set(double.connections)).toEqual(new Set(['https:443']));
    for (const request of double.requests) expect(request.headers.host).not.toContain(':');
  });
});

describe('GitHub with and without an OAuth app', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(() => app?.stop());

  async function linkPage(userId: string) {
    const { session, clientToken } = await startSession(app, userId, ['github']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'github' });
    return (await new Browser().request(connectLink.url)).text();
  }

  it('asks for a personal access token, saying so plainly, until the project has an OAuth app; then sends users to GitHub', async () => {
    const tokenPage = await linkPage('u_pat');
    expect(tokenPage).toContain('data-testid="credentials-form"');
    expect(tokenPage).not.toContain('data-testid="connect-button"');
    expect(tokenPage).toContain(
      '<p class="lead" data-testid="credentials-note">GitHub sign-in is not set up here, so this connection uses a token that you create in your GitHub account.</p>',
    );
    expect(tokenPage).toContain('GitHub personal access token');
    expect(tokenPage).toContain('https://github.com/settings/personal-access-tokens/new');

    const config = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, {
      input: { toolkit: 'github', name: 'Our GitHub app', credentials: clientOf('github') },
    });
    expect(config.errors).toBeUndefined();
    const oauthPage = await linkPage('u_oauth');
    expect(oauthPage).toContain('data-testid="connect-button"');
    expect(oauthPage).not.toContain('data-testid="credentials-form"');
    expect(oauthPage).toContain('You will be sent to GitHub to sign in and approve access.');
  });
});
