import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedCredentials } from './support/accounts.js';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { callTool, firstProgress, mcpClient } from './support/mcp.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';
import { startRecordingApi, type RecordingApi } from './support/recording-api.js';
import { MODEL_BODY_CHARS } from '../src/mcp/api-tools.js';

const TOOLS = ['call_api', 'connect_toolkit', 'disconnect_account', 'list_connections', 'list_toolkits', 'wait_for_connection'];

describe('the MCP server at /mcp', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  let api: RecordingApi;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    // Acme's API: an echo that repeats the request's headers (the credentials with them), as httpbin does.
    api = await startRecordingApi((req, res) => {
      const { pathname } = new URL(req.url, 'http://api');
      if (pathname === '/v1/echo') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r-1', link: '</v1/echo?page=2>; rel="next"' });
        return void res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: req.body }));
      }
      if (pathname === '/v1/long') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('word '.repeat(10_000));
      if (pathname === '/v1/logo.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(2048, 0x89));
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${pathname}, though you sent ${req.headers.authorization}`);
    });
    ({ provider } = await setUpOAuthToolkit(app, {}, 'acme', {}, { apiBaseUrl: `${api.origin}/v1` }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await app?.stop();
    await Promise.all([provider?.close(), api?.close()]);
  });

  /** An agent whose user has connected Acme through the hosted flow. */
  async function connectedAgent(userId: string) {
    const agent = await agentFor(userId);
    const started = await callTool(agent.client, 'connect_toolkit', { toolkit: 'acme' });
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, started.structured.url), { stopAt: [] });
    const connectedAccountId: string = started.structured.connectedAccountId;
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccountId) } });
    expect(row.status).toBe('ACTIVE');
    return { ...agent, connectedAccountId, accessToken: storedCredentials(app, row).accessToken! };
  }

  async function agentFor(userId: string, toolkits = ['acme']) {
    const { session, clientToken } = await startSession(app, userId, toolkits);
    const client = await mcpClient(app.url, clientToken);
    clients.push(client);
    return { client, session, clientToken };
  }

  it('describes every tool for a model, with input and output schemas', async () => {
    const { client } = await agentFor('u_tools');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      // A session client token is its session: no argument for the model to fill in wrongly.
      expect(Object.keys(tool.inputSchema.properties ?? {})).not.toContain('sessionId');
    }
  });

  it('takes a user from not connected to ACTIVE: connect_toolkit, then wait_for_connection with progress', async () => {
    const { client } = await agentFor('u_mcp');
    const before = await callTool(client, 'list_toolkits', {});
    expect(before.structured.toolkits).toEqual([expect.objectContaining({ toolkit: 'acme', connected: false, status: null })]);

    const started = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    expect(started.result.isError).toBeFalsy();
    const { url, connectLinkId, connectedAccountId } = started.structured;
    expect(started.structured).toMatchObject({ status: 'INITIATED', message: `Connect your Acme CRM account to continue: ${url}` });
    expect(started.text).toContain(url);
    expect(started.text).toContain(connectLinkId);
    expect((await callTool(client, 'connect_toolkit', { toolkit: 'acme' })).structured).toEqual(started.structured);

    const progress = firstProgress();
    const waiting = callTool(client, 'wait_for_connection', { connectLinkId, timeoutSeconds: 120 }, progress.onProgress);
    expect((await progress.seen).message).toBe('Status: INITIATED');
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, url), { stopAt: [] });
    const done = await waiting;
    expect(done.structured).toEqual({ status: 'ACTIVE', statusReason: null, connectedAccountId, connectLinkId, finished: true });
    expect(done.text).toContain('ACTIVE');

    const again = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    expect(again.structured).toMatchObject({ status: 'ACTIVE', connectedAccountId, connectLinkId: null, url: null });
    expect(again.text).toContain('already connected');
    const listed = await callTool(client, 'list_connections', {});
    expect(listed.structured.connections).toEqual([
      expect.objectContaining({ connectedAccountId, toolkit: 'acme', alias: null, status: 'ACTIVE', since: expect.any(String) }),
    ]);
    expect((await callTool(client, 'list_toolkits', { search: 'acme' })).structured.toolkits).toEqual([
      expect.objectContaining({ toolkit: 'acme', connected: true, connectedAccountId, status: 'ACTIVE' }),
    ]);
    expect(await app.database.prisma.connectedAccount.count({ where: { userId: 'u_mcp' } })).toBe(1);
  });

  it('waits by account id too, and reports FAILED with the reason when the user refuses', async () => {
    const { client } = await agentFor('u_mcp_denied');
    const started = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    const progress = firstProgress();
    const waiting = callTool(client, 'wait_for_connection', { connectedAccountId: started.structured.connectedAccountId }, progress.onProgress);
    await progress.seen;
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, started.structured.url), { deny: true, stopAt: [] });
    const done = await waiting;
    expect(done.structured).toMatchObject({ status: 'FAILED', statusReason: 'access_denied', finished: true });
    expect(done.text).toContain('access_denied');
  });

  it('returns at the timeout with the flow still pending', async () => {
    const { client } = await agentFor('u_mcp_slow');
    const started = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    const done = await callTool(client, 'wait_for_connection', { connectLinkId: started.structured.connectLinkId, timeoutSeconds: 1 });
    expect(done.structured).toMatchObject({ status: 'INITIATED', finished: false });
    expect(done.text).toContain('wait_for_connection again');
  });

  it('disconnects the user\'s own account, revoking it at the provider', async () => {
    const { client } = await agentFor('u_mcp_bye');
    const started = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, started.structured.url), { stopAt: [] });
    const bye = await callTool(client, 'disconnect_account', { connectedAccountId: started.structured.connectedAccountId });
    expect(bye.structured).toEqual({
      connectedAccountId: started.structured.connectedAccountId,
      status: 'REVOKED',
      statusReason: 'REVOKED_AT_PROVIDER',
      providerRevoked: true,
    });
  });

  it("answers errors as tool results: unknown toolkit, another user's account, bad arguments", async () => {
    const owner = await agentFor('u_mcp_owner');
    const started = await callTool(owner.client, 'connect_toolkit', { toolkit: 'acme' });
    const { client } = await agentFor('u_mcp_intruder');

    const unknown = await callTool(client, 'connect_toolkit', { toolkit: 'nope' });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.text).toMatch(/^FORBIDDEN|^NOT_FOUND/);
    for (const [tool, args] of [
      ['disconnect_account', { connectedAccountId: started.structured.connectedAccountId }],
      ['wait_for_connection', { connectLinkId: started.structured.connectLinkId, timeoutSeconds: 1 }],
      ['wait_for_connection', { connectedAccountId: started.structured.connectedAccountId, timeoutSeconds: 1 }],
    ] as const) {
      const refused = await callTool(client, tool, args);
      expect(refused.result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(refused.text).toMatch(/^NOT_FOUND/);
    }
    const bad = await callTool(client, 'wait_for_connection', { timeoutSeconds: 900 });
    expect(bad.result.isError).toBe(true);
    const none = await callTool(client, 'wait_for_connection', {});
    expect(none.text).toMatch(/^BAD_USER_INPUT/);
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(started.structured.connectedAccountId) } });
    expect(row.status).toBe('INITIATED');
  });

  it('serves a project API key, which names the session in each call', async () => {
    const { session } = await startSession(app, 'u_mcp_backend', ['acme']);
    const client = await mcpClient(app.url, TEST_ADMIN_KEY);
    clients.push(client);
    const { tools } = await client.listTools();
    expect(Object.keys(tools.find((tool) => tool.name === 'connect_toolkit')!.inputSchema.properties!)).toContain('sessionId');
    const missing = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    expect(missing.result.isError).toBe(true);
    expect(missing.text).toContain('sessionId');
    const started = await callTool(client, 'connect_toolkit', { toolkit: 'acme', sessionId: session.id });
    expect(started.structured.status).toBe('INITIATED');
    const listed = await callTool(client, 'list_connections', { sessionId: session.id });
    expect(listed.structured.connections.map((c: { connectedAccountId: string }) => c.connectedAccountId)).toEqual([
      started.structured.connectedAccountId,
    ]);
  });

  it("calls the app's API as the user's account: the token reaches the API, never the model", async () => {
    const { client, connectedAccountId, accessToken } = await connectedAgent('u_mcp_api');
    const before = api.received.length;
    const called = await callTool(client, 'call_api', { connectedAccountId, path: '/echo', query: { q: 'is:open' }, headers: { 'X-Trace': 't-1' } });
    expect(called.result.isError).toBeFalsy();

    const arrived = api.received.slice(before);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(arrived[0]!.headers['x-trace']).toBe('t-1');
    expect(arrived[0]!.url).toBe('/v1/echo?q=is%3Aopen');
    // The API repeated the token; the model reads it replaced, in the text and in the structured content alike.
    expect(JSON.stringify(called.result)).not.toContain(accessToken);
    expect(called.text).toContain('"authorization": "Bearer [REDACTED]"');
    expect(called.text.split('\n').slice(0, 4)).toEqual(['HTTP 200 OK', 'content-type: application/json', 'link: </v1/echo?page=2>; rel="next"', '']);
    expect(called.text).not.toContain('x-request-id');
    expect(called.structured).toMatchObject({
      connectedAccountId,
      status: 200,
      headers: { 'content-type': 'application/json', link: '</v1/echo?page=2>; rel="next"' },
      truncated: false,
    });
    expect(JSON.parse(called.structured.body)).toMatchObject({ method: 'GET', headers: { 'x-trace': 't-1' } });

    // JSON text goes as JSON; an error page quoting the token is redacted too.
    const posted = await callTool(client, 'call_api', { connectedAccountId, method: 'POST', path: '/echo', body: '{"title":"Hi"}' });
    expect(api.received.at(-1)!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(posted.structured.body)).toMatchObject({ method: 'POST', body: '{"title":"Hi"}' });
    const missing = await callTool(client, 'call_api', { connectedAccountId, path: '/nowhere' });
    expect(missing.result.isError).toBeFalsy();
    expect(missing.structured.status).toBe(404);
    expect(missing.text).toContain('HTTP 404 Not Found');
    expect(missing.text).toContain('though you sent Bearer [REDACTED]');
    expect(JSON.stringify([posted.result, missing.result])).not.toContain(accessToken);
  });

  it('cuts long bodies for the model and describes binary ones', async () => {
    const { client, connectedAccountId } = await connectedAgent('u_mcp_api_long');
    const long = await callTool(client, 'call_api', { connectedAccountId, path: '/long' });
    expect(long.structured.truncated).toBe(true);
    expect(long.structured.body.length).toBeLessThan(MODEL_BODY_CHARS + 200);
    expect(long.text).toContain(`more characters of ${'word '.length * 10_000}`);
    const image = await callTool(client, 'call_api', { connectedAccountId, path: '/logo.png' });
    expect(image.structured).toMatchObject({ status: 200, truncated: false, body: '[image/png content, not shown]' });
  });

  it("refuses call_api on another user's account with a session client token; an API key may call it", async () => {
    const owner = await connectedAgent('u_mcp_api_owner');
    const { client } = await agentFor('u_mcp_api_intruder');
    const before = api.received.length;
    const refused = await callTool(client, 'call_api', { connectedAccountId: owner.connectedAccountId, path: '/echo' });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toMatch(/^NOT_FOUND/);
    const escaping = await callTool(owner.client, 'call_api', { connectedAccountId: owner.connectedAccountId, path: '/../admin' });
    expect(escaping.text).toMatch(/^BAD_USER_INPUT/);
    expect(api.received.length).toBe(before);

    const backend = await mcpClient(app.url, TEST_ADMIN_KEY);
    clients.push(backend);
    const { tools } = await backend.listTools();
    expect(Object.keys(tools.find((tool) => tool.name === 'call_api')!.inputSchema.properties!)).not.toContain('sessionId');
    const allowed = await callTool(backend, 'call_api', { connectedAccountId: owner.connectedAccountId, path: '/echo' });
    expect(allowed.structured.status).toBe(200);
    expect(JSON.stringify(allowed.result)).not.toContain(owner.accessToken);
  });

  it('refuses a request without a valid token at the transport', async () => {
    await expect(mcpClient(app.url, 'cst_not_a_token')).rejects.toThrow(/401|invalid/i);
    const response = await fetch(`${app.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });
});
