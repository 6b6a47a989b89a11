import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formFieldsOf, validateCredentialForm } from '../src/domain/toolkits/credential-forms.js';
import { startTestApp, type TestApp } from './support/app.js';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, makeDue, storedCredentials } from './support/accounts.js';
import { Browser } from './support/browser.js';
import { authorizeLink, createKeyApiToolkit, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase, databaseModes } from './support/databases.js';
import { authConfigOf, createKeyAuthConfig, IMPORT } from './support/imports.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { setUpOAuthToolkit } from './support/oauth-flow.js';
import { startRecordingApi, type RecordingApi } from './support/recording-api.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 15_000, interval: 25 });
const openaiKey = (n: number | string) => `sk-proj-${String(n).padEnd(32, 'x')}`;

async function userInfo(provider: OAuthProvider, accessToken: string) {
  return (await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

/**
 * Tokens of an account connected "elsewhere": connected through the hosted flow, then deleted
 * here without revoking them at the provider, as if another service had held them.
 */
async function tokensFromElsewhere(app: TestApp, userId: string) {
  const source = await connectOAuthAccount(app, userId);
  const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: source.id } });
  const identity = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectedAccount { providerAccount { id email name } } } }`, {
    id: source.globalId,
  });
  const deleted = await app.gql(`mutation($id: ID!) { deleteConnectedAccount(input: { id: $id, revoke: false }) { providerRevoked } }`, {
    id: source.globalId,
  });
  expect(deleted.errors).toBeUndefined();
  const stored = storedCredentials(app, row);
  return {
    accessToken: stored.accessToken!,
    refreshToken: stored.refreshToken!,
    tokenType: stored.tokenType!,
    expiresAt: row.tokenExpiresAt!.toISOString(),
    scopes: row.scopes,
    /** Who the provider said the account is, after the hosted flow (not part of an import). */
    providerAccount: identity.data!.node.providerAccount,
  };
}

describe('importConnectedAccount: OAuth accounts refresh against oidc-provider', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  let receiver: WebhookReceiver;
  let authConfigId: string;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { sweepIntervalMs: 60_000 });
    ({ provider } = await setUpOAuthToolkit(app, { rotateRefreshToken: true }));
    authConfigId = await authConfigOf(app, 'acme');
    receiver = await WebhookReceiver.start();
    const endpoint = await app.gql(`mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, {
      input: { url: receiver.url(), eventTypes: ['connection.imported'] },
    });
    expect(endpoint.errors).toBeUndefined();
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
    await receiver?.close();
  });

  it('stores the tokens encrypted, ACTIVE, schedules refresh from expiresAt, refreshes with rotation, and fires connection.imported', async () => {
    const { providerAccount, ...tokens } = await tokensFromElsewhere(app, 'u_elsewhere');
    const result = await app.gql(IMPORT, {
      input: { userId: 'u_imported', toolkit: 'acme', authConfigId, alias: 'work', credentials: { oauth2: tokens } },
    });
    expect(result.errors).toBeUndefined();
    const imported = result.data!.importConnectedAccount;
    expect(imported.created).toBe(true);
    expect(imported.connectedAccount).toMatchObject({
      status: 'ACTIVE',
      statusReason: null,
      alias: 'work',
      userId: 'u_imported',
      authScheme: 'OAUTH2',
      scopes: tokens.scopes,
      tokenExpiresAt: tokens.expiresAt,
    });
    // The provider is asked which account the imported tokens belong to, as after the hosted flow.
    expect(providerAccount?.id).toBeTruthy();
    expect(imported.connectedAccount.providerAccount).toEqual(providerAccount);
    const nextRefresh = new Date(imported.connectedAccount.nextRefreshAt).getTime();
    expect(nextRefresh).toBeLessThan(new Date(tokens.expiresAt).getTime());
    expect(nextRefresh).toBeGreaterThan(Date.now());

    const id = rawId(imported.connectedAccount.id);
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id } });
    expect(row.encryptedCredentials).not.toContain(tokens.accessToken);
    expect(row.encryptedCredentials).not.toContain(tokens.refreshToken);
    expect(storedCredentials(app, row)).toMatchObject({ scheme: 'OAUTH2', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });

    // Not due yet: the imported token is handed out as it is, and works.
    const first = await app.gql(ISSUE_ACCESS_TOKEN, { id: imported.connectedAccount.id });
    expect(first.data!.issueAccessToken.accessToken).toBe(tokens.accessToken);

    const refreshes = provider.tokenRequests().refresh_token ?? 0;
    await makeDue(app, id);
    const refreshed = await app.gql(ISSUE_ACCESS_TOKEN, { id: imported.connectedAccount.id });
    expect(refreshed.errors).toBeUndefined();
    const token = refreshed.data!.issueAccessToken.accessToken;
    expect(token).not.toBe(tokens.accessToken);
    expect(await userInfo(provider, token)).toBe(200);
    expect(provider.tokenRequests().refresh_token).toBe(refreshes + 1);
    const rotated = storedCredentials(app, await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id } }));
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);

    // The rotated refresh token is the live one.
    await makeDue(app, id);
    const again = await app.gql(ISSUE_ACCESS_TOKEN, { id: imported.connectedAccount.id });
    expect(again.data!.issueAccessToken.accessToken).not.toBe(token);
    expect(await userInfo(provider, again.data!.issueAccessToken.accessToken)).toBe(200);

    const event = await app.database.prisma.connectionEvent.findFirstOrThrow({ where: { connectedAccountId: id } });
    expect(event).toMatchObject({ type: 'connection.imported', status: 'ACTIVE', statusReason: null });
    await waitFor(() => expect(receiver.received.length).toBeGreaterThan(0));
    const payload = JSON.parse(receiver.received[0]!.body);
    expect(payload).toMatchObject({
      type: 'connection.imported',
      data: { connectedAccountId: imported.connectedAccount.id, status: 'ACTIVE', userId: 'u_imported', alias: 'work', toolkit: 'acme' },
    });
    expect(receiver.received[0]!.body).not.toContain(tokens.accessToken);
  });

  it('says plainly that the auth config must be the issuing app when the refresh answers invalid_client; a re-import fixes it', async () => {
    const other = await app.gql(
      `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`,
      { input: { toolkit: 'acme', name: 'Another app', credentials: { clientId: 'another-app', clientSecret: 'another-secret-0123456789' } } },
    );
    expect(other.errors).toBeUndefined();
    const { providerAccount: _identity, ...tokens } = await tokensFromElsewhere(app, 'u_elsewhere_2');
    const input = { userId: 'u_wrong_app', toolkit: 'acme', authConfigId: other.data!.createAuthConfig.authConfig.id, credentials: { oauth2: tokens } };
    const wrong = await app.gql(IMPORT, { input });
    expect(wrong.errors).toBeUndefined();
    const account = wrong.data!.importConnectedAccount.connectedAccount;

    await makeDue(app, rawId(account.id));
    const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: account.id });
    // The current token is still valid, so it is handed out while the refresh waits for a fix.
    expect(issued.data!.issueAccessToken.accessToken).toBe(tokens.accessToken);
    const state = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectedAccount { status lastRefreshError } } }`, { id: account.id });
    expect(state.data!.node.status).toBe('ACTIVE');
    expect(state.data!.node.lastRefreshError).toMatch(/^invalid_client: /);
    expect(state.data!.node.lastRefreshError).toContain('only work with the OAuth app that issued them');

    const fixed = await app.gql(IMPORT, { input: { ...input, authConfigId } });
    expect(fixed.data!.importConnectedAccount).toMatchObject({ created: false, connectedAccount: { id: account.id } });
    await makeDue(app, rawId(account.id));
    const now = await app.gql(ISSUE_ACCESS_TOKEN, { id: account.id });
    expect(now.data!.issueAccessToken.accessToken).not.toBe(tokens.accessToken);
    expect(await userInfo(provider, now.data!.issueAccessToken.accessToken)).toBe(200);
  });
});

for (const mode of databaseModes) {
  describe(`importConnectedAccount: API keys and idempotency (${mode.name})`, () => {
    let app: TestApp;
    let authConfigId: string;
    const importKey = (input: Record<string, unknown>, apiKey: string) =>
      app.gql(IMPORT, { input: { toolkit: 'openai', authConfigId, credentials: { fields: [{ name: 'apiKey', value: apiKey }] }, ...input } });
    const accountsOf = (userId: string) => app.database.prisma.connectedAccount.findMany({ where: { userId } });

    beforeAll(async () => {
      const database = await mode.create();
      app = await startTestApp(database, {}, { sweepIntervalMs: 60_000 });
      const stop = app.stop;
      app.stop = async () => {
        await stop();
        await database.drop();
      };
      authConfigId = await createKeyAuthConfig(app, 'openai');
    });
    afterAll(() => app?.stop());

    it('checks API-key fields exactly as the hosted form does, and writes nothing it refuses', async () => {
      const toolkit = await app.database.prisma.toolkit.findFirstOrThrow({ where: { slug: 'openai', projectId: null } });
      const formSays = (value: string) => {
        const checked = validateCredentialForm(formFieldsOf(toolkit, 'API_KEY'), { apiKey: value });
        return checked.ok ? null : checked.fieldErrors.apiKey!;
      };
      expect(formSays('not-a-key')).toBe('API key does not look right.');

      // The hosted form, for the same value.
      const { session, clientToken } = await startSession(app, 'u_form', ['openai']);
      const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
      const browser = new Browser();
      const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
      const page = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: 'not-a-key' } });
      expect(page.status).toBe(422);
      expect(await page.text()).toContain(formSays('not-a-key'));

      const bad = await importKey({ userId: 'u_keys' }, 'not-a-key');
      expect(bad.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'credentials.fields.apiKey', message: formSays('not-a-key') }],
      });
      const empty = await app.gql(IMPORT, { input: { userId: 'u_keys', toolkit: 'openai', authConfigId, credentials: { fields: [] } } });
      expect(empty.errors![0]!.extensions!.issues).toEqual([{ path: 'credentials.fields.apiKey', message: formSays('') }]);
      const unknown = await app.gql(IMPORT, {
        input: { userId: 'u_keys', toolkit: 'openai', authConfigId, credentials: { fields: [{ name: 'apikey', value: openaiKey(1) }] } },
      });
      expect(unknown.errors![0]!.message).toContain('"apikey" is not a field of openai (its fields: apiKey)');
      const wrongKind = await app.gql(IMPORT, {
        input: { userId: 'u_keys', toolkit: 'openai', authConfigId, credentials: { oauth2: { accessToken: 'at' } } },
      });
      expect(wrongKind.errors![0]!.message).toContain('the auth config authenticates with API_KEY: give credentials.fields');
      const both = await app.gql(IMPORT, {
        input: { userId: 'u_keys', toolkit: 'openai', authConfigId, credentials: { oauth2: { accessToken: 'at' }, fields: [] } },
      });
      expect(both.errors![0]!.message).toContain('must hold exactly one of oauth2, oauth1 or fields');
      const wrongToolkit = await app.gql(IMPORT, {
        input: { userId: 'u_keys', toolkit: 'anthropic', authConfigId, credentials: { fields: [{ name: 'apiKey', value: 'x' }] } },
      });
      expect(wrongToolkit.errors![0]!.message).toContain('belongs to another toolkit than "anthropic"');
      expect(await accountsOf('u_keys')).toEqual([]);

      const good = await importKey({ userId: 'u_keys' }, `  ${openaiKey(1)}  `);
      expect(good.errors).toBeUndefined();
      expect(good.data!.importConnectedAccount.connectedAccount).toMatchObject({ status: 'ACTIVE', authScheme: 'API_KEY', tokenExpiresAt: null, nextRefreshAt: null });
      const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: good.data!.importConnectedAccount.connectedAccount.id });
      // Trimmed, as the form trims.
      expect(issued.data!.issueAccessToken).toMatchObject({ accessToken: openaiKey(1), tokenType: 'API_KEY', fields: [{ name: 'apiKey', value: openaiKey(1) }] });
    });

    it('importing again updates the same account (userId, toolkit, alias); a disabled one stays disabled', async () => {
      const first = await importKey({ userId: 'u_again' }, openaiKey('a'));
      const second = await importKey({ userId: 'u_again' }, openaiKey('b'));
      expect(first.data!.importConnectedAccount.created).toBe(true);
      expect(second.data!.importConnectedAccount).toMatchObject({ created: false, connectedAccount: { id: first.data!.importConnectedAccount.connectedAccount.id } });
      const id = second.data!.importConnectedAccount.connectedAccount.id;
      expect((await app.gql(ISSUE_ACCESS_TOKEN, { id })).data!.issueAccessToken.accessToken).toBe(openaiKey('b'));
      expect(await accountsOf('u_again')).toHaveLength(1);
      const events = await app.database.prisma.connectionEvent.findMany({ where: { connectedAccountId: rawId(id) } });
      expect(events.map((e) => e.type)).toEqual(['connection.imported', 'connection.imported']);

      const aliased = await importKey({ userId: 'u_again', alias: 'second' }, openaiKey('c'));
      expect(aliased.data!.importConnectedAccount.created).toBe(true);
      expect(await accountsOf('u_again')).toHaveLength(2);

      const disabled = await app.gql(`mutation($id: ID!) { disableConnectedAccount(input: { id: $id }) { connectedAccount { status } } }`, { id });
      expect(disabled.errors).toBeUndefined();
      const third = await importKey({ userId: 'u_again' }, openaiKey('d'));
      expect(third.data!.importConnectedAccount.connectedAccount).toMatchObject({ id, status: 'INACTIVE' });
    });

    it('10 concurrent imports of one key make one account, with or without an alias', async () => {
      for (const alias of [null, 'team']) {
        const userId = `u_race_${alias ?? 'none'}`;
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => importKey({ userId, alias }, openaiKey(`race${i}`))));
        for (const result of results) expect(result.errors).toBeUndefined();
        const outcomes = results.map((r) => r.data!.importConnectedAccount);
        expect(new Set(outcomes.map((o) => o.connectedAccount.id)).size).toBe(1);
        expect(outcomes.filter((o) => o.created)).toHaveLength(1);
        const rows = await accountsOf(userId);
        expect(rows).toHaveLength(1);
        expect(await app.database.prisma.connectionEvent.count({ where: { connectedAccountId: rows[0]!.id } })).toBe(10);
      }
    });
  });
}

describe('an imported API key', () => {
  let app: TestApp;
  let api: RecordingApi;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    api = await startRecordingApi((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  afterAll(async () => {
    await app?.stop();
    await api?.close();
  });

  it('calls the toolkit API through proxyRequest, the key added by the server and never returned', async () => {
    const key = `imported-${'k'.repeat(32)}`;
    await createKeyApiToolkit(app, 'imported-api', `${api.origin}/v1`);
    const authConfigId = await createKeyAuthConfig(app, 'imported-api');
    const imported = await app.gql(IMPORT, {
      input: { userId: 'u_proxy', toolkit: 'imported-api', authConfigId, credentials: { fields: [{ name: 'apiKey', value: key }] } },
    });
    expect(imported.errors).toBeUndefined();

    const answer = await app.gql(
      `mutation($input: ProxyRequestInput!) { proxyRequest(input: $input) { status body json } }`,
      { input: { connectedAccountId: imported.data!.importConnectedAccount.connectedAccount.id, method: 'GET', path: '/things' } },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.proxyRequest).toMatchObject({ status: 200, json: { ok: true } });
    expect(JSON.stringify(answer)).not.toContain(key);
    expect(api.received.at(-1)).toMatchObject({ url: '/v1/things', headers: expect.objectContaining({ 'x-api-key': key }) });
  });
});
