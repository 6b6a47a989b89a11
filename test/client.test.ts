import { createServer } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { completeLink, expireLinks, failLink } from '../src/domain/connections/link-outcomes.js';
import {
  ConnectionExpiredError,
  ConnectionFailedError,
  createConnectClient,
  GraphQLRequestError,
  WaitAbortedError,
  WaitTimeoutError,
  type ConnectionState,
} from '../packages/client/dist/index.js';
import { startTestApp, TEST_ADMIN_KEY, TEST_ENCRYPTION_KEYS, type TestApp } from './support/app.js';
import { CALLBACK_ORIGIN, createKeyApiToolkit, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase, createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { startFreezableProxy } from './support/freezable-proxy.js';
import { startHttpOnlyProxy } from './support/http-only-proxy.js';
import { startRecordingApi } from './support/recording-api.js';

const API_KEY_CREDENTIALS = { credentials: { scheme: 'API_KEY' as const, fields: { apiKey: 'sk-test' } }, scopes: [], expiresInSeconds: null };

/** A client as a Node service would make one (`ws` for graphql-ws on Node 20). */
function clientOf(url: string, token: string, options: { transport?: 'auto' | 'ws' | 'sse'; keepAliveMs?: number } = {}) {
  return createConnectClient({ url, token, webSocketImpl: WebSocket, ...options });
}

/** Resolves once `onStatus` has reported a first state: the subscription is live. */
function firstState() {
  let report!: (state: ConnectionState) => void;
  const seen = new Promise<ConnectionState>((resolve) => (report = resolve));
  return { seen, onStatus: (state: ConnectionState) => report(state) };
}

describe('the client package against a running server', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function newLink(userId: string) {
    const { session, clientToken } = await startSession(app, userId, ['openai']);
    const client = clientOf(app.url, clientToken);
    const payload = await client.authorize({ sessionId: session.id, toolkit: 'openai', callbackUrl: `${CALLBACK_ORIGIN}/chat` });
    return { client, payload, session, clientToken };
  }

  it('waits over WebSocket until the link is used, then resolves with the ACTIVE state', async () => {
    const { client, payload } = await newLink('u_ws');
    expect(payload.connectLink.url).toMatch(/\/link\//);
    const { seen, onStatus } = firstState();
    const waiting = client.waitForConnection(payload, { onStatus });
    expect((await seen).status).toBe('INITIATED');
    expect(client.transport).toBe('ws');

    await completeLink(app.deps, rawId(payload.connectLink.id), API_KEY_CREDENTIALS);
    const state = await waiting;
    expect(state).toMatchObject({ status: 'ACTIVE', connectedAccount: { id: payload.connectedAccount.id, status: 'ACTIVE' } });
    // The flow has ended: waiting again answers at once from the current state.
    expect((await client.waitForConnection(payload.connectLink.id)).status).toBe('ACTIVE');
    expect((await client.waitForConnection(payload.connectedAccount.id)).status).toBe('ACTIVE');
    client.close();
  });

  it('rejects with ConnectionFailedError and the reason when the flow fails', async () => {
    const { client, payload } = await newLink('u_failed');
    const { seen, onStatus } = firstState();
    const waiting = client.waitForConnection(payload.connectLink, { onStatus });
    await seen;
    await failLink(app.deps, rawId(payload.connectLink.id), 'access_denied');
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({ code: 'FAILED', status: 'FAILED', statusReason: 'access_denied' });
    client.close();
  });

  it('rejects with ConnectionExpiredError when the link runs out', async () => {
    const { client, payload } = await newLink('u_expired');
    const { seen, onStatus } = firstState();
    const waiting = client.waitForConnection(payload.connectLink.id, { onStatus });
    await seen;
    await app.deps.prisma.connectLink.update({ where: { id: rawId(payload.connectLink.id) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expireLinks(app.deps);
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionExpiredError);
    expect(error).toMatchObject({ code: 'EXPIRED', statusReason: 'INITIATION_TIMEOUT' });
    client.close();
  });

  it('rejects with WaitTimeoutError, carrying the last state, when nothing final comes in time', async () => {
    const { client, payload } = await newLink('u_timeout');
    const error = await client.waitForConnection(payload, { timeoutMs: 500 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', status: 'INITIATED' });
    client.close();
  });

  it('rejects with WaitAbortedError when the signal aborts, before or during the wait', async () => {
    const { client, payload } = await newLink('u_abort');
    const controller = new AbortController();
    const { seen, onStatus } = firstState();
    const waiting = client.waitForConnection(payload, { signal: controller.signal, onStatus });
    await seen;
    controller.abort(new Error('user closed the chat'));
    await expect(waiting).rejects.toBeInstanceOf(WaitAbortedError);
    await expect(client.waitForConnection(payload, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    client.close();
  });

  it('rejects with the server error, instead of retrying, for a token the server refuses', async () => {
    const { payload } = await newLink('u_badtoken');
    for (const transport of ['ws', 'sse'] as const) {
      const client = clientOf(app.url, 'cst_not_a_real_token_0123456789', { transport });
      const error = await client.waitForConnection(payload, { timeoutMs: 10_000 }).catch((caught: unknown) => caught);
      expect(error, transport).toBeInstanceOf(GraphQLRequestError);
      expect(error, transport).toMatchObject({ code: 'UNAUTHENTICATED' });
      client.close();
    }
  });

  it('falls back to Server-Sent Events when a WebSocket cannot be opened', async () => {
    const proxy = await startHttpOnlyProxy(app.url);
    try {
      const { session, clientToken } = await startSession(app, 'u_sse', ['openai']);
      const client = clientOf(proxy.url, clientToken);
      const payload = await client.authorize({ sessionId: session.id, toolkit: 'openai' });
      const { seen, onStatus } = firstState();
      const waiting = client.waitForConnection(payload, { onStatus });
      expect((await seen).status).toBe('INITIATED');
      expect(proxy.upgradesRefused()).toBeGreaterThan(0);
      expect(client.transport).toBe('sse');

      await completeLink(app.deps, rawId(payload.connectLink.id), API_KEY_CREDENTIALS);
      expect((await waiting).status).toBe('ACTIVE');
      client.close();
    } finally {
      await proxy.close();
    }
  });

  it('notices a connection that went silent (no pong) and resubscribes', async () => {
    const proxy = await startFreezableProxy(app.port);
    try {
      const { session, clientToken } = await startSession(app, 'u_silent', ['openai']);
      const client = clientOf(proxy.url, clientToken, { transport: 'ws', keepAliveMs: 300 });
      const payload = await client.authorize({ sessionId: session.id, toolkit: 'openai' });
      const { seen, onStatus } = firstState();
      const waiting = client.waitForConnection(payload, { onStatus });
      await seen;

      proxy.freeze(); // the event below can no longer arrive on the old socket
      await completeLink(app.deps, rawId(payload.connectLink.id), API_KEY_CREDENTIALS);
      expect((await waiting).status).toBe('ACTIVE');
      client.close();
    } finally {
      await proxy.close();
    }
  });

  it('runs the typed account operations', async () => {
    const { client: sessionClient, payload, session } = await newLink('u_accounts');
    await completeLink(app.deps, rawId(payload.connectLink.id), API_KEY_CREDENTIALS);
    const mine = await sessionClient.connectedAccounts({ toolkit: 'openai' });
    expect(mine.edges.map((edge) => edge.node.id)).toEqual([payload.connectedAccount.id]);
    const read = await sessionClient.session(session.id);
    expect(read?.toolkits.find((entry) => entry.toolkit.slug === 'openai')?.connection?.status).toBe('ACTIVE');

    const admin = clientOf(app.url, TEST_ADMIN_KEY);
    const id = payload.connectedAccount.id;
    expect((await admin.issueAccessToken(id)).accessToken).toBe('sk-test');
    expect((await admin.disableConnectedAccount(id)).status).toBe('INACTIVE');
    expect((await admin.enableConnectedAccount(id)).status).toBe('ACTIVE');
    expect((await admin.revokeConnectedAccount(id)).connectedAccount.status).toBe('REVOKED');
    expect((await admin.deleteConnectedAccount(id)).deletedConnectedAccountId).toBe(id);
    const refused = await sessionClient.issueAccessToken(id).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(GraphQLRequestError);
  });

  it("calls an account's API with proxyRequest, a session client token its own user's accounts only", async () => {
    const api = await startRecordingApi((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, body: req.body }));
    });
    try {
      await createKeyApiToolkit(app, 'client-api', `${api.origin}/v1`);
      const key = `ck-${'k'.repeat(32)}`;
      const { session, clientToken } = await startSession(app, 'u_proxy', ['client-api']);
      const owner = clientOf(app.url, clientToken);
      const { connectLink, connectedAccount } = await owner.authorize({ sessionId: session.id, toolkit: 'client-api' });
      await completeLink(app.deps, rawId(connectLink.id), { ...API_KEY_CREDENTIALS, credentials: { scheme: 'API_KEY', fields: { apiKey: key } } });

      const answer = await owner.proxyRequest({
        connectedAccountId: connectedAccount.id,
        method: 'POST',
        path: '/items',
        query: [{ name: 'page', value: '2' }],
        headers: [{ name: 'content-type', value: 'application/json' }],
        body: '{"name":"x"}',
      });
      expect(answer).toMatchObject({ status: 200, json: { method: 'POST', url: '/v1/items?page=2', body: '{"name":"x"}' } });
      expect(answer.headers).toContainEqual({ name: 'content-type', value: 'application/json' });
      expect(api.received.map((request) => request.headers['x-api-key'])).toEqual([key]);
      expect(JSON.stringify(answer)).not.toContain(key);

      const { clientToken: otherToken } = await startSession(app, 'u_proxy_other', ['client-api']);
      const refused = await clientOf(app.url, otherToken)
        .proxyRequest({ connectedAccountId: connectedAccount.id, method: 'GET', path: '/items' })
        .catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(GraphQLRequestError);
      expect(refused).toMatchObject({ code: 'NOT_FOUND' });
      expect(api.received).toHaveLength(1);
      expect((await clientOf(app.url, TEST_ADMIN_KEY).proxyRequest({ connectedAccountId: connectedAccount.id, method: 'GET', path: '/items' })).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('rejects with the server error when the awaited account is deleted meanwhile', async () => {
    const { client, payload } = await newLink('u_deleted');
    const { seen, onStatus } = firstState();
    const waiting = client.waitForConnection(payload.connectedAccount.id, { onStatus });
    await seen;
    await clientOf(app.url, TEST_ADMIN_KEY).deleteConnectedAccount(payload.connectedAccount.id, { revoke: false });
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    client.close();
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the client across a server restart', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each(['ws', 'sse'] as const)('resubscribes (%s) and gets the change made while the server was down', async (transport) => {
    const config = loadConfig({ ADMIN_API_KEY: TEST_ADMIN_KEY, ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
    const port = await freePort();
    let server = buildApp(config, { database: database.target });
    const { publicUrl } = await server.start(port);
    const url = `http://127.0.0.1:${port}`;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const client = clientOf(url, TEST_ADMIN_KEY);
      return client.request<any, Record<string, unknown>>(query, variables);
    };
    const { session, clientToken } = await startSession(
      { gql: async (query, variables) => ({ data: await gql(query, variables ?? {}) }) },
      `u_restart_${transport}`,
      ['openai'],
    );
    const client = clientOf(url, clientToken, { transport });
    const payload = await client.authorize({ sessionId: session.id, toolkit: 'openai' });
    const { seen, onStatus } = firstState();
    const waiting = client.waitForConnection(payload, { onStatus });
    await seen;

    // Down: the link is completed by another instance whose event nobody here hears.
    await server.stop();
    const other = buildApp(config, { database: database.target });
    const { deps } = await other.start(0);
    await completeLink(deps, rawId(payload.connectLink.id), API_KEY_CREDENTIALS);
    await other.stop();

    server = buildApp(config, { database: database.target });
    expect((await server.start(port)).publicUrl).toBe(publicUrl);
    try {
      expect((await waiting).status).toBe('ACTIVE');
      expect(client.transport).toBe(transport);
    } finally {
      client.close();
      await server.stop();
    }
  });
});
