import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from './support/app.js';
import { AUTHORIZE, authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { CONNECTION_STATUS } from './support/ws.js';

const code = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

function socket(app: TestApp, token: string): Client {
  return createClient({
    url: `ws://127.0.0.1:${app.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
}

/** Subscribes to an account's status on `client`; resolves with the first result and a way to leave. */
function follow(client: Client, connectedAccountId: string): Promise<{ first: any; leave: () => void }> {
  return new Promise((resolve) => {
    let leave = () => {};
    leave = client.subscribe(
      { query: CONNECTION_STATUS, variables: { connectedAccountId } },
      {
        next: (value) => resolve({ first: value, leave }),
        error: (error) => resolve({ first: { errors: Array.isArray(error) ? error : [error] }, leave }),
        complete: () => {},
      },
    );
  });
}

/** The first result of a connectionStatus stream over SSE, and the rest of the text. */
async function followOverSse(app: TestApp, token: string, connectedAccountId: string) {
  const controller = new AbortController();
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: CONNECTION_STATUS, variables: { connectedAccountId } }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!/event: next\ndata: .*\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return { text, close: () => controller.abort() };
}

describe('per-principal quotas', () => {
  let app: TestApp;
  let account: string;
  let session: { id: string };
  let clientToken: string;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {
      MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
      MAX_SUBSCRIPTIONS_PER_SESSION: '3',
      RATE_LIMIT_AUTHORIZE_PER_MINUTE: '3',
    });
    ({ session, clientToken } = await startSession(app, 'u_quota', ['openai']));
    account = (await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' })).connectedAccount.id;
  });
  afterAll(() => app?.stop());

  it('limits the subscriptions open on one WebSocket, and frees a slot when one ends', async () => {
    const client = socket(app, TEST_ADMIN_KEY);
    const one = await follow(client, account);
    const two = await follow(client, account);
    expect(one.first.data.connectionStatus.status).toBe('INITIATED');
    expect(two.first.data.connectionStatus.status).toBe('INITIATED');
    const three = await follow(client, account);
    expect(three.first.errors[0]).toMatchObject({ extensions: { code: 'QUOTA_EXCEEDED', max: 2 } });
    // Queries still run on the full socket.
    const query = await new Promise<any>((resolve) =>
      client.subscribe({ query: '{ project { id } }' }, { next: resolve, error: resolve, complete: () => {} }),
    );
    expect(query.data.project.id).toBeTruthy();

    one.leave();
    await expect
      .poll(async () => {
        const again = await follow(client, account);
        again.leave();
        return again.first.data?.connectionStatus?.status ?? again.first.errors[0].extensions.code;
      }, { timeout: 10_000 })
      .toBe('INITIATED');
    await client.dispose();
  });

  it("limits a session client token's subscriptions across its sockets and SSE; other callers go on", async () => {
    const first = socket(app, clientToken);
    const second = socket(app, clientToken);
    for (const client of [first, first, second]) {
      expect((await follow(client, account)).first.data.connectionStatus.status).toBe('INITIATED');
    }
    const overWs = await follow(second, account);
    expect(overWs.first.errors[0]).toMatchObject({ extensions: { code: 'QUOTA_EXCEEDED', max: 3 } });
    const overSse = await followOverSse(app, clientToken, account);
    expect(overSse.text).toContain('"code":"QUOTA_EXCEEDED"');
    overSse.close();

    // The project's key, and another session of the same user, are not held back.
    const other = await startSession(app, 'u_quota', ['openai']);
    const byOther = socket(app, other.clientToken);
    expect((await follow(byOther, account)).first.data.connectionStatus.status).toBe('INITIATED');

    // Closing a socket gives its subscriptions back.
    await first.dispose();
    await expect
      .poll(async () => {
        const sse = await followOverSse(app, clientToken, account);
        sse.close();
        return sse.text.includes('"status":"INITIATED"');
      }, { timeout: 10_000 })
      .toBe(true);
    await Promise.all([second.dispose(), byOther.dispose()]);
  });

  it('limits authorize calls per session client token per minute, with retryAfterSeconds', async () => {
    const { session: own, clientToken: token } = await startSession(app, 'u_busy', ['openai']);
    for (let i = 0; i < 3; i++) await authorizeLink(app, token, { sessionId: own.id, toolkit: 'openai' });
    const limited = await app.gql(AUTHORIZE, { input: { sessionId: own.id, toolkit: 'openai' } }, token);
    expect(code(limited)).toBe('RATE_LIMITED');
    const retryAfter = limited.errors![0]!.extensions!.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // The project's key is not limited, nor is another session's token.
    expect((await app.gql(AUTHORIZE, { input: { sessionId: own.id, toolkit: 'openai' } })).errors).toBeUndefined();
    const other = await startSession(app, 'u_busy', ['openai']);
    await authorizeLink(app, other.clientToken, { sessionId: other.session.id, toolkit: 'openai' });
  });
});
