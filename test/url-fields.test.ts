import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_ACCESS_TOKEN, makeDue } from './support/accounts.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, AUTHORIZE, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { CLIENT, setUpTenantedToolkit } from './support/oauth-flow.js';

const CREATE_AUTH_CONFIG = `mutation($input: CreateAuthConfigInput!) {
  createAuthConfig(input: $input) { authConfig { id fieldValues { name value } } }
}`;
const UPDATE_AUTH_CONFIG = `mutation($input: UpdateAuthConfigInput!) {
  updateAuthConfig(input: $input) { authConfig { id fieldValues { name value } } }
}`;

/** The hosted page of a new link for `toolkit`, opened in a fresh browser. */
async function openLink(app: TestApp, userId: string, toolkit: string) {
  const { session, clientToken } = await startSession(app, userId, [toolkit]);
  const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit });
  const browser = new Browser();
  const page = await browser.request(connectLink.url);
  expect(page.status).toBe(200);
  const html = await page.text();
  return { browser, html, form: Browser.parseForm(html, connectLink.url), connectLink, connectedAccount };
}

/** Submits the hosted page's form with extra fields; returns the response. */
function submit(opened: Awaited<ReturnType<typeof openLink>>, fields: Record<string, string>) {
  const { browser, form, connectLink } = opened;
  return browser.request(form.action, { method: 'POST', form: { ...form.fields, ...fields }, initiator: connectLink.url });
}

describe('OAuth URLs with [field] placeholders', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  const createToolkit = (variables: { input: Record<string, unknown> }) =>
    app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, variables);

  /** A custom OAuth toolkit whose endpoints are `<base>/auth` and `<base>/token`. */
  async function createTemplatedToolkit(slug: string, base: string, field: Record<string, unknown>) {
    const created = await createToolkit({
      input: { slug, name: slug, authScheme: 'OAUTH2', oauth2: { authorizeUrl: `${base}/auth`, tokenUrl: `${base}/token` }, fields: [field] },
    });
    expect(created.errors).toBeUndefined();
  }

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider } = await setUpTenantedToolkit(app));
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  it('asks the end user for a path field, connects against it, and refreshes and revokes there too', async () => {
    const opened = await openLink(app, 'u_tenant', 'tenanted');
    expect(opened.html).toContain('name="tenant"');

    const empty = await submit(opened, { tenant: '' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Workspace is required.');
    const unsafe = await submit(opened, { tenant: 'acme/../other' });
    expect(unsafe.status).toBe(422);
    expect(await unsafe.text()).toContain('Workspace does not look right.');

    const started = await submit(opened, { tenant: 'acme' });
    expect(started.status).toBe(303);
    const { history } = await opened.browser.navigate(new URL(started.headers.get('location')!, opened.connectLink.url).toString());
    expect(history.some((hop) => hop.startsWith(`${provider.issuer}/t/acme/auth?`))).toBe(true);

    const id = rawId(opened.connectedAccount.id);
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('ACTIVE');
    const account = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectedAccount { fieldValues { name value } } } }`, {
      id: opened.connectedAccount.id,
    });
    expect(account.data!.node.fieldValues).toEqual([{ name: 'tenant', value: 'acme' }]);

    // Refresh goes to the tenant's token endpoint: the provider answers nowhere else.
    const before = provider.tokenRequests().refresh_token ?? 0;
    await makeDue(app, id);
    const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: opened.connectedAccount.id });
    expect(issued.errors).toBeUndefined();
    expect(provider.tokenRequests().refresh_token).toBe(before + 1);

    const revoked = await app.gql(
      `mutation($id: ID!) { revokeConnectedAccount(input: { id: $id }) { providerRevoked } }`,
      { id: opened.connectedAccount.id },
    );
    expect(revoked.data!.revokeConnectedAccount.providerRevoked).toBe(true);
  });

  it("uses the auth config's value when its owner fixed the field after the user typed one", async () => {
    const opened = await openLink(app, 'u_late', 'tenanted');
    const started = await submit(opened, { tenant: 'other' });
    expect(started.status).toBe(303);
    const configs = await app.gql(`{ authConfigs(first: 5, toolkit: "tenanted") { edges { node { id name } } } }`);
    const config = configs.data!.authConfigs.edges.find((e: any) => e.node.name === 'Tenanted app').node;
    const fixed = await app.gql(UPDATE_AUTH_CONFIG, { input: { id: config.id, fieldValues: [{ name: 'tenant', value: 'acme' }] } });
    expect(fixed.errors).toBeUndefined();

    const { history } = await opened.browser.navigate(new URL(started.headers.get('location')!, opened.connectLink.url).toString());
    expect(history.some((hop) => hop.startsWith(`${provider.issuer}/t/acme/auth?`))).toBe(true);
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(opened.connectedAccount.id) } });
    expect(row).toMatchObject({ status: 'ACTIVE', fieldValues: { tenant: 'acme' } });
    expect((await app.gql(UPDATE_AUTH_CONFIG, { input: { id: config.id, fieldValues: [] } })).errors).toBeUndefined();
  });

  it('asks nothing when the auth config sets the field, and ignores a value posted anyway', async () => {
    const config = await app.gql(CREATE_AUTH_CONFIG, {
      input: {
        toolkit: 'tenanted',
        name: 'Acme only',
        credentials: CLIENT,
        fieldValues: [{ name: 'tenant', value: 'acme' }],
        isDefault: true,
      },
    });
    expect(config.errors).toBeUndefined();
    expect(config.data!.createAuthConfig.authConfig.fieldValues).toEqual([{ name: 'tenant', value: 'acme' }]);

    const opened = await openLink(app, 'u_fixed', 'tenanted');
    expect(opened.html).not.toContain('name="tenant"');
    const started = await submit(opened, { tenant: 'other' });
    expect(started.status).toBe(303);
    const { history } = await opened.browser.navigate(new URL(started.headers.get('location')!, opened.connectLink.url).toString());
    expect(history.some((hop) => hop.startsWith(`${provider.issuer}/t/acme/auth?`))).toBe(true);
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(opened.connectedAccount.id) } });
    expect(row).toMatchObject({ status: 'ACTIVE', fieldValues: { tenant: 'acme' } });
  });

  it('rejects auth config values the toolkit does not name, or that do not match, or that could leave their slot', async () => {
    for (const [fieldValues, message] of [
      [[{ name: 'region', value: 'eu' }], 'has no URL field "region"'],
      [[{ name: 'tenant', value: 'Acme' }], 'Workspace does not look right.'],
      [[{ name: 'tenant', value: 'a' }, { name: 'tenant', value: 'b' }], 'names a field twice'],
    ] as const) {
      const result = await app.gql(CREATE_AUTH_CONFIG, {
        input: { toolkit: 'tenanted', name: 'Bad', credentials: CLIENT, fieldValues },
      });
      expect(result.errors?.[0]?.message).toContain(message);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('rejects custom toolkits whose placeholders name no field or a secret one', async () => {
    const base = { name: 'Broken', authScheme: 'OAUTH2' };
    const urls = (path: string) => ({ authorizeUrl: `https://id.example.com/${path}/auth`, tokenUrl: 'https://id.example.com/token' });
    const unknown = await createToolkit({
      input: { ...base, slug: 'broken-a', oauth2: urls('[realm]') },
    });
    expect(unknown.errors?.[0]?.message).toContain('names [realm], which is not one of the fields');
    const secret = await createToolkit({
      input: { ...base, slug: 'broken-b', oauth2: urls('[realm]'), fields: [{ name: 'realm', label: 'Realm', secret: true }] },
    });
    expect(secret.errors?.[0]?.message).toContain('cannot be secret');
    const plainHttp = await createToolkit({
      input: {
        ...base,
        slug: 'broken-c',
        oauth2: { authorizeUrl: 'http://[host]/auth', tokenUrl: 'https://id.example.com/token' },
        fields: [{ name: 'host', label: 'Host', secret: false }],
      },
    });
    expect(plainHttp.errors?.[0]?.message).toContain('must use https');
    // Spellings that URL parsers read differently are refused outright.
    for (const [i, authorizeUrl] of ['https:[host]/auth', ' https://[host]/auth', 'https:\\\\[host]/auth'].entries()) {
      const odd = await createToolkit({
        input: {
          ...base,
          slug: `broken-d${i}`,
          oauth2: { authorizeUrl, tokenUrl: 'https://id.example.com/token' },
          fields: [{ name: 'host', label: 'Host', secret: false }],
        },
      });
      expect(odd.errors?.[0]?.message).toContain('must start with https://');
    }
  });

  it('lets only the auth config set a field that is part of a host, wherever it stands in it', async () => {
    await createTemplatedToolkit('regional', 'https://login.[region].example.com', { name: 'region', label: 'Region', secret: false });
    expect((await app.gql(CREATE_AUTH_CONFIG, { input: { toolkit: 'regional', name: 'R', credentials: CLIENT } })).errors).toBeUndefined();
    const { session, clientToken } = await startSession(app, 'u_region', ['regional']);
    const refused = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'regional' } }, clientToken);
    expect(refused.errors?.[0]?.message).toContain('needs "region" (Region) on the auth config');
  });

  it('keeps values without a pattern of their own to their path segment', async () => {
    await createTemplatedToolkit('loose', 'https://id.example.com/realms/[realm]', { name: 'realm', label: 'Realm', secret: false });
    for (const value of ['.', '..', 'a..b', 'a/b', 'a?b', 'a#b', 'a@b', '%2e%2e', 'a b', 'a\\b']) {
      const result = await app.gql(CREATE_AUTH_CONFIG, {
        input: { toolkit: 'loose', name: 'L', credentials: CLIENT, fieldValues: [{ name: 'realm', value }] },
      });
      expect(result.errors?.[0]?.extensions?.code, value).toBe('BAD_USER_INPUT');
    }
    expect((await app.gql(CREATE_AUTH_CONFIG, { input: { toolkit: 'loose', name: 'L', credentials: CLIENT } })).errors).toBeUndefined();
    const opened = await openLink(app, 'u_loose', 'loose');
    expect(opened.html).toContain('name="realm"');
    for (const value of ['..', 'a/b', 'a?b']) {
      const page = await submit(opened, { realm: value });
      expect(page.status, value).toBe(422);
      expect(await page.text()).toContain('Realm may only hold letters, digits');
    }
  });

  it('asks for a field whose name Object.prototype also has', async () => {
    await createTemplatedToolkit('proto', 'https://id.example.com/[constructor]', { name: 'constructor', label: 'Space', secret: false });
    expect((await app.gql(CREATE_AUTH_CONFIG, { input: { toolkit: 'proto', name: 'P', credentials: CLIENT } })).errors).toBeUndefined();
    const opened = await openLink(app, 'u_proto', 'proto');
    expect(opened.html).toContain('name="constructor"');
  });
});

describe('catalog toolkits with a host in their URLs', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {
      TOOLKIT_COGNITO_CLIENT_ID: 'operator-app',
      TOOLKIT_COGNITO_CLIENT_SECRET: 'operator-secret-0123456789',
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** Clicks through to the dance start and returns where it sends the browser (the provider). */
  async function providerUrl(opened: Awaited<ReturnType<typeof openLink>>, fields: Record<string, string> = {}) {
    const started = await submit(opened, fields);
    expect(started.status).toBe(303);
    const dance = await opened.browser.request(new URL(started.headers.get('location')!, opened.connectLink.url).toString());
    expect(dance.status).toBe(302);
    return new URL(dance.headers.get('location')!);
  }

  it('lets the end user type a subdomain under the provider domain (shopify), nothing else', async () => {
    const config = await app.gql(CREATE_AUTH_CONFIG, { input: { toolkit: 'shopify', name: 'Shop app', credentials: CLIENT } });
    expect(config.errors).toBeUndefined();
    const opened = await openLink(app, 'u_shop', 'shopify');
    expect(opened.html).toContain('name="subdomain"');
    for (const value of ['evil.example.com/x', 'evil.example.com#', 'a@b']) {
      expect((await submit(opened, { subdomain: value })).status).toBe(422);
    }
    const url = await providerUrl(opened, { subdomain: 'my-shop' });
    expect(url.origin).toBe('https://my-shop.myshopify.com');
    expect(url.pathname).toBe('/admin/oauth/authorize');
    expect(url.searchParams.get('client_id')).toBe(CLIENT.clientId);
  });

  it("never lets a project send the operator's managed app to a host of its choosing (cognito)", async () => {
    const { session, clientToken } = await startSession(app, 'u_managed', ['cognito']);
    const refused = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'cognito' } }, clientToken);
    expect(refused.errors?.[0]?.message).toContain('create a CUSTOM auth config with your own OAuth app');
    const configs = await app.gql(`{ authConfigs(first: 5, toolkit: "cognito") { edges { node { id kind } } } }`);
    const managed = configs.data!.authConfigs.edges[0].node;
    expect(managed.kind).toBe('MANAGED');
    const set = await app.gql(UPDATE_AUTH_CONFIG, {
      input: { id: managed.id, fieldValues: [{ name: 'subdomain', value: 'attacker.example' }] },
    });
    expect(set.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses authorize until the auth config sets a whole-host field (keycloak), then never asks the end user', async () => {
    const config = await app.gql(CREATE_AUTH_CONFIG, { input: { toolkit: 'keycloak', name: 'SSO', credentials: CLIENT } });
    expect(config.errors).toBeUndefined();
    const { session, clientToken } = await startSession(app, 'u_sso', ['keycloak']);
    const refused = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'keycloak' } }, clientToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain('needs "subdomain" (Server host) on the auth config');

    const id = config.data!.createAuthConfig.authConfig.id;
    for (const value of ['sso.example.com?x=1', 'user@sso.example.com', 'sso.example.com/../x']) {
      const bad = await app.gql(UPDATE_AUTH_CONFIG, { input: { id, fieldValues: [{ name: 'subdomain', value }] } });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const set = await app.gql(UPDATE_AUTH_CONFIG, {
      input: { id, fieldValues: [{ name: 'subdomain', value: 'sso.example.com/realms/acme' }] },
    });
    expect(set.errors).toBeUndefined();

    const opened = await openLink(app, 'u_sso', 'keycloak');
    expect(opened.html).not.toContain('name="subdomain"');
    const url = await providerUrl(opened, { subdomain: 'attacker.example' });
    expect(`${url.origin}${url.pathname}`).toBe('https://sso.example.com/realms/acme/protocol/openid-connect/auth');
  });
});
