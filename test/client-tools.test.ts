import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLink } from '../src/domain/connections/link-outcomes.js';
import { ConnectError, createConnectClient } from '../packages/client/dist/index.js';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './support/app.js';
import { createKeyApiToolkit, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { mcpClient } from './support/mcp.js';
import { startRecordingApi } from './support/recording-api.js';

const API_KEY_CREDENTIALS = { credentials: { scheme: 'API_KEY' as const, fields: { apiKey: 'sk-test' } }, scopes: [], expiresInSeconds: null };

describe("the client's agent tools", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('defines the same tools, with the same argument schemas, as the MCP server lists for each kind of token', async () => {
    const { clientToken } = await startSession(app, 'u_defs', ['openai']);
    for (const token of [TEST_ADMIN_KEY, clientToken]) {
      const mcp = await mcpClient(app.url, token);
      const listed = (await mcp.listTools()).tools.map(({ name, title, description, inputSchema }) => {
        const { $schema: _ignored, ...parameters } = inputSchema as Record<string, unknown>;
        return { name, title, description, parameters };
      });
      await mcp.close();
      expect(listed).toHaveLength(6);
      expect(createConnectClient({ url: app.url, token }).toolDefinitions()).toEqual(listed);
    }
  });

  it('runs a whole connection through handleToolCall with a session client token', async () => {
    const { clientToken } = await startSession(app, 'u_tools', ['openai']);
    const client = createConnectClient({ url: app.url, token: clientToken });

    const started = await client.handleToolCall('connect_toolkit', { toolkit: 'openai' });
    expect(started.isError).toBe(false);
    expect(started.structuredContent).toMatchObject({ status: 'INITIATED', url: expect.stringMatching(/\/link\//) });
    expect(started.text).toContain(String(started.structuredContent!.url));
    const connectLinkId = String(started.structuredContent!.connectLinkId);

    const waiting = client.handleToolCall('wait_for_connection', { connectLinkId, timeoutSeconds: 60 });
    await completeLink(app.deps, rawId(connectLinkId), API_KEY_CREDENTIALS);
    expect((await waiting).structuredContent).toMatchObject({ status: 'ACTIVE', finished: true });

    const listed = await client.handleToolCall('list_connections', {});
    const connectedAccountId = String(started.structuredContent!.connectedAccountId);
    expect(listed.structuredContent).toMatchObject({ connections: [{ connectedAccountId, toolkit: 'openai', status: 'ACTIVE' }] });
    expect((await client.handleToolCall('connect_toolkit', { toolkit: 'openai' })).structuredContent).toMatchObject({ status: 'ACTIVE', url: null });

    const disconnected = await client.handleToolCall('disconnect_account', { connectedAccountId });
    expect(disconnected.structuredContent).toMatchObject({ status: 'REVOKED' });
  });

  it("calls an account's API through call_api, the key reaching the API and not the model", async () => {
    const api = await startRecordingApi((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, key: req.headers['x-api-key'] }));
    });
    try {
      await createKeyApiToolkit(app, 'tools-api', `${api.origin}/v1`);
      const { clientToken } = await startSession(app, 'u_tools_api', ['tools-api']);
      const client = createConnectClient({ url: app.url, token: clientToken });
      const started = await client.handleToolCall('connect_toolkit', { toolkit: 'tools-api' });
      const key = `tk-${'t'.repeat(32)}`;
      await completeLink(app.deps, rawId(String(started.structuredContent!.connectLinkId)), {
        ...API_KEY_CREDENTIALS,
        credentials: { scheme: 'API_KEY', fields: { apiKey: key } },
      });

      const connectedAccountId = String(started.structuredContent!.connectedAccountId);
      const called = await client.handleToolCall('call_api', { connectedAccountId, path: '/things', query: { limit: '3' } });
      expect(called.isError).toBe(false);
      expect(called.structuredContent).toMatchObject({ connectedAccountId, status: 200, truncated: false });
      expect(called.text).toContain('"url": "/v1/things?limit=3"');
      expect(called.text).toContain('"key": "[REDACTED]"');
      expect(api.received.map((request) => request.headers['x-api-key'])).toEqual([key]);
      expect(JSON.stringify(called)).not.toContain(key);
    } finally {
      await api.close();
    }
  });

  it('names the session with an API key, reports tool failures as results, and refuses unknown tools', async () => {
    const { session } = await startSession(app, 'u_admin_tools', ['openai']);
    const admin = createConnectClient({ url: app.url, token: TEST_ADMIN_KEY });
    const toolkits = await admin.handleToolCall('list_toolkits', { sessionId: session.id });
    expect(toolkits.structuredContent).toMatchObject({ toolkits: [{ toolkit: 'openai', connected: false }] });

    const refused = await admin.handleToolCall('connect_toolkit', { sessionId: session.id, toolkit: 'github' });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toBeNull();

    const unknown = await admin.handleToolCall('send_email', {}).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(ConnectError);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_TOOL' });
  });
});
