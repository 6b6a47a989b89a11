import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, storeApiKey } from '../src/domain/access/api-keys.js';
import { startTestApp, type TestApp } from './support/app.js';
import { AUTHORIZE, CALLBACK_ORIGIN, authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const SESSION_TOOLKITS = /* GraphQL */ `
  query($id: ID!) {
    session(id: $id) {
      userId
      toolkits { toolkit { slug } connection { status connectedAccount { id } } }
    }
  }
`;

describe('authorize, sessions and auth configs', () => {
  let app: TestApp;
  let otherKey: string;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {
      TOOLKIT_GITHUB_CLIENT_ID: 'operator-client',
      TOOLKIT_GITHUB_CLIENT_SECRET: 'operator-secret',
    });
    const other = await app.database.prisma.project.create({ data: { name: 'Other' } });
    otherKey = generateApiKey();
    await storeApiKey(app.database.prisma, other.id, otherKey, 'test');
  });
  afterAll(() => app?.stop());

  const code = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

  it('refuses unknown toolkits, toolkits outside the session and callback URLs outside the allow-list', async () => {
    const { session, clientToken } = await startSession(app, 'u_rules', ['openai']);
    const unknown = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'nope' } }, clientToken);
    expect(unknown.errors![0]).toMatchObject({ message: 'Toolkit "nope" was not found.', extensions: { code: 'NOT_FOUND' } });

    const outside = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'stripe' } }, clientToken);
    expect(outside.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });

    const phishing = await app.gql(
      AUTHORIZE,
      { input: { sessionId: session.id, toolkit: 'openai', callbackUrl: 'https://evil.example.net/steal' } },
      clientToken,
    );
    expect(phishing.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'callbackUrl' }] });
    expect(phishing.errors![0]!.message).toContain('https://evil.example.net is not allowed');
  });

  it('limits a session client token to its own session and to what a browser may do', async () => {
    const mine = await startSession(app, 'u_mine', ['openai']);
    const theirs = await startSession(app, 'u_theirs', ['openai']);
    const cross = await app.gql(AUTHORIZE, { input: { sessionId: theirs.session.id, toolkit: 'openai' } }, mine.clientToken);
    expect(code(cross)).toBe('FORBIDDEN');
    const read = await app.gql(SESSION_TOOLKITS, { id: theirs.session.id }, mine.clientToken);
    expect(code(read)).toBe('FORBIDDEN');

    const theirLink = await authorizeLink(app, theirs.clientToken, { sessionId: theirs.session.id, toolkit: 'openai' });
    const sub = subscribe(wsClient(app.port, mine.clientToken), CONNECTION_STATUS, { connectLinkId: theirLink.connectLink.id });
    expect(code(await sub.next())).toBe('NOT_FOUND');
    await sub.close();

    for (const operation of [
      `mutation { createToolkit(input: { slug: "x-tk", name: "X", authScheme: API_KEY, fields: [{ name: "k", label: "K", secret: true }] }) { toolkit { id } } }`,
      `mutation { createSession(input: { userId: "someone" }) { clientToken } }`,
      `{ authConfigs { edges { node { id } } } }`,
      `{ project { name } }`,
    ]) {
      expect(code(await app.gql(operation, undefined, mine.clientToken)), operation).toBe('FORBIDDEN');
    }
    const ok = await app.gql(SESSION_TOOLKITS, { id: mine.session.id }, mine.clientToken);
    expect(ok.data!.session).toEqual({ userId: 'u_mine', toolkits: [{ toolkit: { slug: 'openai' }, connection: null }] });
  });

  it('never crosses projects', async () => {
    const { session, clientToken } = await startSession(app, 'u_tenant', ['openai']);
    const link = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const foreign = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'openai' } }, otherKey);
    expect(code(foreign)).toBe('NOT_FOUND');
    const node = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: link.connectedAccount.id }, otherKey);
    expect(node.data!.node).toBeNull();
    const sessionRead = await app.gql(SESSION_TOOLKITS, { id: session.id }, otherKey);
    expect(sessionRead.data!.session).toBeNull();
    const sub = subscribe(wsClient(app.port, otherKey), CONNECTION_STATUS, { connectedAccountId: link.connectedAccount.id });
    expect(code(await sub.next())).toBe('NOT_FOUND');
    await sub.close();
  });

  it("tells an agent per toolkit whether the session's user is connected", async () => {
    const { session, clientToken } = await startSession(app, 'u_agent', ['openai', 'anthropic']);
    const link = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai', alias: 'work' });
    const result = await app.gql(SESSION_TOOLKITS, { id: session.id });
    expect(result.data!.session.toolkits).toEqual([
      { toolkit: { slug: 'anthropic' }, connection: null },
      { toolkit: { slug: 'openai' }, connection: { status: 'INITIATED', connectedAccount: { id: link.connectedAccount.id } } },
    ]);
    // The same alias again is the same account, re-authorized in place: never a second one.
    const again = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai', alias: 'work' });
    expect(again.connectedAccount.id).toBe(link.connectedAccount.id);
  });

  it('creates, updates, disables and deletes auth configs; secrets are never readable', async () => {
    const created = await app.gql(
      `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id name kind authScheme isDefault enabled hasCredentials redirectUri scopes } } }`,
      { input: { toolkit: 'google', name: 'Our Google app', credentials: { clientId: 'cid', clientSecret: 'very-secret-value' }, scopes: ['email'] } },
    );
    const config = created.data!.createAuthConfig.authConfig;
    expect(config).toMatchObject({
      kind: 'CUSTOM',
      authScheme: 'OAUTH2',
      isDefault: true,
      enabled: true,
      hasCredentials: true,
      redirectUri: `${app.publicUrl}/connect/google/callback`,
    });
    expect(JSON.stringify(created)).not.toContain('very-secret-value');
    const row = await app.database.prisma.authConfig.findFirstOrThrow({ where: { name: 'Our Google app' } });
    expect(row.encryptedCredentials).not.toContain('very-secret-value');

    const missing = await app.gql(
      `mutation { createAuthConfig(input: { toolkit: "google", name: "No creds" }) { authConfig { id } } }`,
    );
    expect(missing.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'credentials' }] });

    const disabled = await app.gql(
      `mutation($id: ID!) { updateAuthConfig(input: { id: $id, enabled: false, name: "Renamed" }) { authConfig { name enabled } } }`,
      { id: config.id },
    );
    expect(disabled.data!.updateAuthConfig.authConfig).toEqual({ name: 'Renamed', enabled: false });

    const { session } = await startSession(app, 'u_google', ['google']);
    const refused = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'google', authConfigId: config.id } });
    expect(code(refused)).toBe('FORBIDDEN');

    const deleted = await app.gql(`mutation($id: ID!) { deleteAuthConfig(input: { id: $id }) { deletedAuthConfigId } }`, { id: config.id });
    expect(deleted.data!.deleteAuthConfig.deletedAuthConfigId).toBe(config.id);
  });

  it("falls back to the operator's managed OAuth app and reuses it", async () => {
    const { session } = await startSession(app, 'u_managed', ['github']);
    const first = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'github' } });
    const second = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'github' } });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    const configs = await app.gql(`{ authConfigs(toolkit: "github") { edges { node { kind hasCredentials } } } }`);
    expect(configs.data!.authConfigs.edges).toEqual([{ node: { kind: 'MANAGED', hasCredentials: false } }]);

    const noApp = await app.gql(AUTHORIZE, { input: { sessionId: (await startSession(app, 'u_x', ['gitlab'])).session.id, toolkit: 'gitlab' } });
    // gitlab also takes a personal access token, so it falls back to the credentials form.
    expect(noApp.errors).toBeUndefined();
    const dropbox = await app.gql(AUTHORIZE, { input: { sessionId: (await startSession(app, 'u_y', ['dropbox'])).session.id, toolkit: 'dropbox' } });
    expect(dropbox.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(dropbox.errors![0]!.message).toContain(`${app.publicUrl}/connect/dropbox/callback`);
  });

  it('keeps a callbackUrl on an allowed origin exactly, query included', async () => {
    const { session, clientToken } = await startSession(app, 'u_cb', ['openai']);
    const link = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai', callbackUrl: `${CALLBACK_ORIGIN}/x?y=1` });
    const node = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectLink { callbackUrl status url } } }`, { id: link.connectLink.id });
    expect(node.data!.node).toEqual({ callbackUrl: `${CALLBACK_ORIGIN}/x?y=1`, status: 'PENDING', url: null });
  });
});
