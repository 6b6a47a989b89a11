import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { callTool, firstProgress, mcpClient } from './support/mcp.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';

const TOOLS = ['connect_toolkit', 'disconnect_account', 'list_connections', 'list_toolkits', 'wait_for_connection'];

describe('the MCP server at /mcp', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider } = await setUpOAuthToolkit(app));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await app?.stop();
    await provider?.close();
  });

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

  it('refuses a request without a valid token at the transport', async () => {
    await expect(mcpClient(app.url, 'cst_not_a_token')).rejects.toThrow(/401|invalid/i);
    const response = await fetch(`${app.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });
});
