import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, storeApiKey } from '../src/domain/access/api-keys.js';
import { startTestApp, type TestApp } from './support/app.js';
import { ISSUE_ACCESS_TOKEN } from './support/accounts.js';
import { Browser } from './support/browser.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

/**
 * Every operation, tried on one project's objects with another project's API key, with a
 * session token of another project, and with a token of another session of the same project.
 * Each must fail (FORBIDDEN / NOT_FOUND) or come back empty: never data, never a change.
 */
describe('tenancy: no operation crosses projects or sessions', () => {
  let app: TestApp;
  const ids: Record<string, string> = {};
  const tokens: Record<'otherKey' | 'otherProjectSession' | 'otherSession', string> = {} as never;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    const toolkit = await app.gql(
      `mutation { createToolkit(input: { slug: "private-api", name: "Private", authScheme: API_KEY,
        fields: [{ name: "apiKey", label: "Key", secret: true }] }) { toolkit { id } } }`,
    );
    ids.toolkit = toolkit.data!.createToolkit.toolkit.id;
    const config = await app.gql(
      `mutation { createAuthConfig(input: { toolkit: "google", name: "G", credentials: { clientId: "c", clientSecret: "s" } }) { authConfig { id } } }`,
    );
    ids.authConfig = config.data!.createAuthConfig.authConfig.id;
    const endpoint = await app.gql(
      `mutation { createWebhookEndpoint(input: { url: "http://127.0.0.1:9/hooks" }) { webhookEndpoint { id } } }`,
    );
    ids.webhookEndpoint = endpoint.data!.createWebhookEndpoint.webhookEndpoint.id;
    const apiKey = await app.gql(`mutation { createApiKey(input: { name: "ci" }) { apiKey { id } } }`);
    ids.apiKey = apiKey.data!.createApiKey.apiKey.id;
    const { session, clientToken } = await startSession(app, 'u_owner', ['openai']);
    ids.session = session.id;
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    ids.link = connectLink.id;
    ids.account = connectedAccount.id;
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: `sk-${'o'.repeat(40)}` } });

    const deliveries = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { edges { node { id } } } } } }`,
      { id: ids.webhookEndpoint },
    );
    ids.webhookDelivery = deliveries.data!.node.deliveries.edges[0].node.id;

    tokens.otherSession = (await startSession(app, 'u_neighbour', ['openai'])).clientToken;
    const other = await app.database.prisma.project.create({ data: { name: 'Other' } });
    tokens.otherKey = generateApiKey();
    await storeApiKey(app.database.prisma, other.id, tokens.otherKey, 'test');
    const otherSession = await app.gql(`mutation { createSession(input: { userId: "u_owner" }) { clientToken } }`, undefined, tokens.otherKey);
    tokens.otherProjectSession = otherSession.data!.createSession.clientToken;
  });
  afterAll(() => app?.stop());

  // The project's toolkits are readable by every session of the project (not by other projects).
  const projectWide = new Set(['node(toolkit)', 'toolkit(slug)', 'toolkits(search)']);
  // Another project's key manages that project's own API keys: checked apart, below.
  const ownKeysOnly = new Set(['apiKeys', 'createApiKey']);
  const operations: [string, string, () => Record<string, unknown>][] = [
    ['node(toolkit)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.toolkit })],
    ['node(authConfig)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.authConfig })],
    ['node(session)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.session })],
    ['node(link)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.link })],
    ['node(account)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.account })],
    ['toolkit(slug)', `{ toolkit(slug: "private-api") { id } }`, () => ({})],
    ['toolkits(search)', `{ toolkits(search: "private-api") { edges { node { id } } } }`, () => ({})],
    ['session', `query($id: ID!) { session(id: $id) { id } }`, () => ({ id: ids.session })],
    ['authConfigs', `{ authConfigs { edges { node { id } } } }`, () => ({})],
    ['connectedAccounts', `{ connectedAccounts(userId: "u_owner") { edges { node { id } } } }`, () => ({})],
    ['createAuthConfig', `mutation { createAuthConfig(input: { toolkit: "private-api", name: "x" }) { authConfig { id } } }`, () => ({})],
    ['updateAuthConfig', `mutation($id: ID!) { updateAuthConfig(input: { id: $id, enabled: false }) { authConfig { id } } }`, () => ({ id: ids.authConfig })],
    ['deleteAuthConfig', `mutation($id: ID!) { deleteAuthConfig(input: { id: $id }) { deletedAuthConfigId } }`, () => ({ id: ids.authConfig })],
    ['createSession(pin)', `mutation($id: ID!) { createSession(input: { userId: "x", authConfigs: [$id] }) { clientToken } }`, () => ({ id: ids.authConfig })],
    ['authorize', `mutation($id: ID!) { authorize(input: { sessionId: $id, toolkit: "openai" }) { connectLink { url } } }`, () => ({ id: ids.session })],
    ['ensureConnection', `mutation($id: ID!) { ensureConnection(input: { sessionId: $id, toolkit: "openai" }) { message connectLink { url } } }`, () => ({ id: ids.session })],
    ['updateSession', `mutation($id: ID!) { updateSession(input: { id: $id, toolkits: [], displayName: "x" }) { session { id } } }`, () => ({ id: ids.session })],
    ['issueAccessToken', ISSUE_ACCESS_TOKEN, () => ({ id: ids.account })],
    ['enableConnectedAccount', `mutation($id: ID!) { enableConnectedAccount(input: { id: $id }) { connectedAccount { id } } }`, () => ({ id: ids.account })],
    ['nodes', `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, () => ({ ids: [ids.toolkit, ids.authConfig, ids.session, ids.link, ids.account, ids.webhookEndpoint, ids.apiKey] })],
    ['disableConnectedAccount', `mutation($id: ID!) { disableConnectedAccount(input: { id: $id }) { connectedAccount { id } } }`, () => ({ id: ids.account })],
    ['enableConnectedAccount', `mutation($id: ID!) { enableConnectedAccount(input: { id: $id }) { connectedAccount { id } } }`, () => ({ id: ids.account })],
    ['revokeConnectedAccount', `mutation($id: ID!) { revokeConnectedAccount(input: { id: $id }) { providerRevoked } }`, () => ({ id: ids.account })],
    ['node(webhookEndpoint)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.webhookEndpoint })],
    ['webhookEndpoints', `{ webhookEndpoints { edges { node { id } } } }`, () => ({})],
    ['updateWebhookEndpoint', `mutation($id: ID!) { updateWebhookEndpoint(input: { id: $id, enabled: false }) { webhookEndpoint { id } } }`, () => ({ id: ids.webhookEndpoint })],
    ['rotateWebhookSecret', `mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret } }`, () => ({ id: ids.webhookEndpoint })],
    ['retryWebhookDelivery', `mutation($id: ID!) { retryWebhookDelivery(input: { id: $id }) { webhookDelivery { id } } }`, () => ({ id: ids.webhookDelivery })],
    ['deleteWebhookEndpoint', `mutation($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) { deletedWebhookEndpointId } }`, () => ({ id: ids.webhookEndpoint })],
    ['node(apiKey)', `query($id: ID!) { node(id: $id) { id } }`, () => ({ id: ids.apiKey })],
    ['apiKeys', `{ apiKeys { edges { node { id } } } }`, () => ({})],
    ['createApiKey', `mutation { createApiKey(input: { name: "x" }) { key } }`, () => ({})],
    ['revokeApiKey', `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }`, () => ({ id: ids.apiKey })],
    ['rotateEncryptionKeys', `mutation { rotateEncryptionKeys(input: {}) { complete } }`, () => ({})],
    ['deleteConnectedAccount', `mutation($id: ID!) { deleteConnectedAccount(input: { id: $id }) { deletedConnectedAccountId } }`, () => ({ id: ids.account })],
  ];

  // Operations that act only on the caller's own project, whatever ids they are given.
  const ownProjectOnly: Record<string, string> = {
    project: "reads the caller's project",
    updateProject: "changes the caller's project",
    createToolkit: "creates in the caller's project",
    createWebhookEndpoint: "creates in the caller's project",
    connectionStatus: 'subscribes by id: checked on its own below',
  };

  it('covers every query, mutation and subscription of the schema', () => {
    const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const all = roots.flatMap((root) => Object.keys(root?.getFields() ?? {}));
    const covered = new Set(operations.map(([name]) => name.replace(/\(.*\)$/, '')));
    expect(all.filter((name) => !covered.has(name) && !(name in ownProjectOnly))).toEqual([]);
  });

  function leaks(result: { data?: any; errors?: { extensions?: Record<string, any> }[] }): string | null {
    if (result.errors?.length) {
      const code = result.errors[0]!.extensions?.code;
      return code === 'FORBIDDEN' || code === 'NOT_FOUND' ? null : `unexpected error code ${code}`;
    }
    const text = JSON.stringify(result.data);
    // Empty answers are fine: null objects and empty connections.
    return /"id":"/.test(text) || /"(url|clientToken|accessToken|secret|key)":"/.test(text) || /"complete":/.test(text)
      ? `returned data: ${text}`
      : null;
  }

  for (const who of ['otherKey', 'otherProjectSession', 'otherSession'] as const) {
    it(`refuses every operation to ${who}`, async () => {
      const problems: string[] = [];
      for (const [name, query, variables] of operations) {
        if (who === 'otherSession' && projectWide.has(name)) continue;
        if (who === 'otherKey' && ownKeysOnly.has(name)) continue;
        const problem = leaks(await app.gql(query, variables(), tokens[who]));
        if (problem) problems.push(`${name}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });

    it(`does not let ${who} subscribe to the link or the account`, async () => {
      for (const variables of [{ connectLinkId: ids.link }, { connectedAccountId: ids.account }]) {
        const sub = subscribe(wsClient(app.port, tokens[who]), CONNECTION_STATUS, variables);
        const first = await sub.next();
        expect(first.data?.connectionStatus ?? null).toBeNull();
        expect(first.errors[0].extensions?.code ?? first.errors[0].message).toMatch(/NOT_FOUND|FORBIDDEN/);
        await sub.close();
      }
    });
  }

  it("lists and creates only the other project's own API keys for its key", async () => {
    const list = await app.gql(`{ apiKeys { edges { node { id } } } }`, undefined, tokens.otherKey);
    const listed = list.data!.apiKeys.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(listed).toHaveLength(1);
    expect(listed).not.toContain(ids.apiKey);
    const created = await app.gql(`mutation { createApiKey(input: { name: "theirs" }) { apiKey { id } } }`, undefined, tokens.otherKey);
    const ours = await app.gql(`{ apiKeys { edges { node { id } } } }`);
    expect(ours.data!.apiKeys.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(
      created.data!.createApiKey.apiKey.id,
    );
  });

  it('left everything as it was', async () => {
    const check = await app.gql(
      `query($a: ID!, $c: ID!) { a: node(id: $a) { ... on ConnectedAccount { status } } c: node(id: $c) { ... on AuthConfig { enabled } } }`,
      { a: ids.account, c: ids.authConfig },
    );
    expect(check.data).toEqual({ a: { status: 'ACTIVE' }, c: { enabled: true } });
    const session = await app.gql(`query($id: ID!) { node(id: $id) { ... on Session { allowedToolkits displayName } } }`, { id: ids.session });
    expect(session.data!.node).toEqual({ allowedToolkits: ['openai'], displayName: null });
    const endpoint = await app.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled } } }`, { id: ids.webhookEndpoint });
    expect(endpoint.data!.node).toEqual({ enabled: true });
    const apiKey = await app.gql(`query($id: ID!) { node(id: $id) { ... on ApiKey { revokedAt } } }`, { id: ids.apiKey });
    expect(apiKey.data!.node).toEqual({ revokedAt: null });
  });
});
