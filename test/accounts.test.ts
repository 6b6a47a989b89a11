import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicId } from '../src/domain/public-ids.js';
import { startTestApp, type TestApp } from './support/app.js';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, storedCredentials } from './support/accounts.js';
import { Browser } from './support/browser.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { CLIENT, setUpOAuthToolkit } from './support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const code = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

describe('managing connected accounts', () => {
  let app: TestApp;
  let provider: OAuthProvider;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider } = await setUpOAuthToolkit(app));
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  async function connectApiKey(userId: string, alias?: string) {
    const { session, clientToken } = await startSession(app, userId, ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, {
      sessionId: session.id,
      toolkit: 'openai',
      ...(alias ? { alias } : {}),
    });
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: `sk-${userId}-${'k'.repeat(40)}` } });
    return { id: connectedAccount.id, clientToken };
  }

  it('issues API-key credentials with their fields, to the API key only', async () => {
    const account = await connectApiKey('u_key');
    const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: account.id });
    expect(issued.data!.issueAccessToken).toEqual({
      accessToken: `sk-u_key-${'k'.repeat(40)}`,
      tokenType: 'API_KEY',
      expiresAt: null,
      scopes: [],
      fields: [{ name: 'apiKey', value: `sk-u_key-${'k'.repeat(40)}` }],
    });
    expect(code(await app.gql(ISSUE_ACCESS_TOKEN, { id: account.id }, account.clientToken))).toBe('FORBIDDEN');
  });

  it('disables and enables an account, with events, and refuses tokens while INACTIVE', async () => {
    const account = await connectApiKey('u_toggle');
    const watch = subscribe(wsClient(app.port, account.clientToken), CONNECTION_STATUS, { connectedAccountId: account.id });
    expect((await watch.next()).data.connectionStatus.status).toBe('ACTIVE');

    const disabled = await app.gql(`mutation($id: ID!) { disableConnectedAccount(input: { id: $id }) { connectedAccount { status } } }`, { id: account.id });
    expect(disabled.data!.disableConnectedAccount.connectedAccount.status).toBe('INACTIVE');
    expect((await watch.next()).data.connectionStatus).toMatchObject({ status: 'INACTIVE', statusReason: 'DISABLED' });
    const refused = await app.gql(ISSUE_ACCESS_TOKEN, { id: account.id });
    expect(refused.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(refused.errors![0]!.message).toContain('INACTIVE');
    const twice = await app.gql(`mutation($id: ID!) { disableConnectedAccount(input: { id: $id }) { connectedAccount { status } } }`, { id: account.id });
    expect(code(twice)).toBe('FORBIDDEN');

    await app.gql(`mutation($id: ID!) { enableConnectedAccount(input: { id: $id }) { connectedAccount { status } } }`, { id: account.id });
    expect((await watch.next()).data.connectionStatus).toMatchObject({ status: 'ACTIVE', statusReason: null });
    expect((await app.gql(ISSUE_ACCESS_TOKEN, { id: account.id })).errors).toBeUndefined();
    await watch.close();
  });

  it('revokes at the provider and erases the credentials', async () => {
    const account = await connectOAuthAccount(app, 'u_revoke');
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    const { refreshToken, accessToken } = storedCredentials(app, row);
    const revoked = await app.gql(
      `mutation($id: ID!) { revokeConnectedAccount(input: { id: $id }) { connectedAccount { status statusReason } providerRevoked } }`,
      { id: account.globalId },
    );
    expect(revoked.data!.revokeConnectedAccount).toEqual({
      connectedAccount: { status: 'REVOKED', statusReason: 'REVOKED_AT_PROVIDER' },
      providerRevoked: true,
    });
    const after = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(after.encryptedCredentials).toBeNull();
    // The provider no longer honours either token.
    const refresh = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
    });
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
    const me = await fetch(provider.userInfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(401);
    expect(code(await app.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId }))).toBe('FORBIDDEN');
  });

  it('deletes an account, completing its subscribers, keeping its event', async () => {
    const account = await connectApiKey('u_delete');
    const watch = subscribe(wsClient(app.port, account.clientToken), CONNECTION_STATUS, { connectedAccountId: account.id });
    await watch.next();
    const deleted = await app.gql(
      `mutation($id: ID!) { deleteConnectedAccount(input: { id: $id }) { deletedConnectedAccountId providerRevoked } }`,
      { id: account.id },
    );
    expect(deleted.data!.deleteConnectedAccount).toEqual({ deletedConnectedAccountId: account.id, providerRevoked: false });
    await watch.completed;
    await watch.close();
    const node = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: account.id });
    expect(node.data!.node).toBeNull();
    const rawId = parsePublicId(account.id).id;
    const events = await app.database.prisma.connectionEvent.findMany({ where: { connectedAccountId: rawId }, select: { type: true } });
    expect(events.map((e) => e.type)).toContain('connection.deleted');
  });

  it('lists accounts by user, toolkit and status; aliases are unique per user and toolkit', async () => {
    await connectApiKey('u_many', 'work');
    await connectApiKey('u_many', 'home');
    const list = await app.gql(
      `{ connectedAccounts(userId: "u_many", toolkit: "openai", status: ACTIVE) { edges { node { alias status toolkit { slug } } } } }`,
    );
    expect(list.data!.connectedAccounts.edges.map((e: any) => e.node.alias).sort()).toEqual(['home', 'work']);
    const none = await app.gql(`{ connectedAccounts(userId: "u_many", status: EXPIRED) { edges { node { id } } } }`);
    expect(none.data!.connectedAccounts.edges).toEqual([]);
    const unknown = await app.gql(`{ connectedAccounts(toolkit: "nope") { edges { node { id } } } }`);
    expect(code(unknown)).toBe('NOT_FOUND');
  });
});
