import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { startSession } from './support/connect.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { callTool, firstProgress, mcpClient } from './support/mcp.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { CLIENT, clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('MCP on two instances sharing PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let provider: OAuthProvider;
  let client: Client | undefined;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const apps = await Promise.all([1, 2].map(() => startTestApp(database, { REDIS_URL })));
    [a, b] = [apps[0]!, apps[1]!];
    // Each instance's redirect URI is its own (no PUBLIC_URL here): the provider knows both.
    const redirectUris = [a, b].map((app) => `${app.publicUrl}/connect/oauth2/callback`);
    ({ provider } = await setUpOAuthToolkit(a, { clients: [{ ...CLIENT, redirectUris }] }));
  });
  afterAll(async () => {
    await client?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await provider?.close();
    await database?.drop();
  });

  it('returns ACTIVE from wait_for_connection on A when the OAuth callback lands on B', async () => {
    const { clientToken } = await startSession(a, 'u_mcp_scale', ['acme']);
    client = await mcpClient(a.url, clientToken);
    const started = await callTool(client, 'connect_toolkit', { toolkit: 'acme' });
    const { connectLinkId, connectedAccountId, url } = started.structured;

    const progress = firstProgress();
    const waiting = callTool(client, 'wait_for_connection', { connectLinkId, timeoutSeconds: 120 }, progress.onProgress);
    await progress.seen;
    const onB = (url as string).replace(a.publicUrl, b.publicUrl);
    const browser = new Browser();
    const { history } = await browser.navigate(await clickConnect(browser, onB), { stopAt: [] });
    expect(history.some((hop) => hop.startsWith(`${b.publicUrl}/connect/oauth2/callback`))).toBe(true);

    const done = await waiting;
    expect(done.structured).toEqual({ status: 'ACTIVE', statusReason: null, connectedAccountId, connectLinkId, finished: true });
    expect(progress.all.map((p) => p.message)).toContain('Status: INITIATED');
  });
});
