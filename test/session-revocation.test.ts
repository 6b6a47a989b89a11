import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from './support/app.js';
import { AUTHORIZE, CREATE_SESSION, authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase, createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { CONNECTION_STATUS } from './support/ws.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REVOKE = /* GraphQL */ `
  mutation($id: ID!) { revokeSession(input: { id: $id }) { session { id revokedAt expiresAt } } }
`;

const code = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

describe('session lifetime and revokeSession', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(() => app?.stop());

  it('gives a session client token 24 hours unless createSession asks for 60 s to 30 days', async () => {
    const before = Date.now();
    const { session } = await startSession(app, 'u_lifetime');
    const row = await app.database.prisma.session.findUniqueOrThrow({ where: { id: rawId(session.id) } });
    expect(row.expiresAt).not.toBeNull();
    const lifetime = row.expiresAt!.getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(24 * 3600 * 1000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600 * 1000 + 60_000);

    const hour = await app.gql(CREATE_SESSION, { input: { userId: 'u_hour', expiresInSeconds: 3600 } });
    const hourRow = await app.database.prisma.session.findUniqueOrThrow({ where: { id: rawId(hour.data!.createSession.session.id) } });
    expect(hourRow.expiresAt!.getTime() - before).toBeLessThanOrEqual(3600 * 1000 + 60_000);

    for (const expiresInSeconds of [59, 30 * 24 * 3600 + 1]) {
      const refused = await app.gql(CREATE_SESSION, { input: { userId: 'u_bounds', expiresInSeconds } });
      expect(code(refused), String(expiresInSeconds)).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a revoked session token everywhere, keeps the first revokedAt, and is for API keys only', async () => {
    const { session, clientToken } = await startSession(app, 'u_revoked', ['openai']);
    await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const byToken = await app.gql(REVOKE, { id: session.id }, clientToken);
    expect(code(byToken)).toBe('FORBIDDEN');

    const revoked = await app.gql(REVOKE, { id: session.id });
    expect(revoked.errors).toBeUndefined();
    const { revokedAt } = revoked.data!.revokeSession.session;
    expect(revokedAt).toEqual(expect.any(String));
    const again = await app.gql(REVOKE, { id: session.id });
    expect(again.data!.revokeSession.session.revokedAt).toBe(revokedAt);

    const read = await app.gql(`query($id: ID!) { session(id: $id) { id } }`, { id: session.id }, clientToken);
    expect(code(read)).toBe('UNAUTHENTICATED');
    expect(read.errors![0]!.message).toContain('revoked');
    const authorize = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'openai' } }, clientToken);
    expect(code(authorize)).toBe('UNAUTHENTICATED');
    // The project's backend cannot start flows in it either.
    const byKey = await app.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'openai' } });
    expect(byKey.errors![0]).toMatchObject({ message: 'The session was revoked.', extensions: { code: 'FORBIDDEN' } });
    // The session stays readable to the project, revokedAt set.
    const asProject = await app.gql(`query($id: ID!) { session(id: $id) { revokedAt } }`, { id: session.id });
    expect(asProject.data!.session.revokedAt).toBe(revokedAt);
  });
});

describe('revokeSession across instances', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // The periodic check is pushed out of reach: only the bus can end the connections in time.
    const options = { accessCheckIntervalMs: 3_600_000 };
    const apps = await Promise.all([1, 2].map(() => startTestApp(database, { REDIS_URL }, options)));
    [a, b] = [apps[0]!, apps[1]!];
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it("closes the revoked session's WebSockets and ends its SSE streams on another instance", async () => {
    const { session, clientToken } = await startSession(a, 'u_revoke_everywhere', ['openai']);
    const { connectedAccount } = await authorizeLink(a, clientToken, { sessionId: session.id, toolkit: 'openai' });

    const closes: number[] = [];
    const socket = createClient({
      url: `ws://127.0.0.1:${b.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: { authorization: `Bearer ${clientToken}` },
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    const first = new Promise<unknown>((resolve) =>
      socket.subscribe(
        { query: CONNECTION_STATUS, variables: { connectedAccountId: connectedAccount.id } },
        { next: resolve, error: resolve, complete: () => {} },
      ),
    );
    expect(await first).toMatchObject({ data: { connectionStatus: { status: 'INITIATED' } } });

    const response = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${clientToken}` },
      body: JSON.stringify({ query: CONNECTION_STATUS, variables: { connectedAccountId: connectedAccount.id } }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (expected: string) => {
      while (!text.includes(expected)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${expected}: ${text}`);
        text += value;
      }
    };
    await readUntil('"status":"INITIATED"');

    expect((await a.gql(REVOKE, { id: session.id })).errors).toBeUndefined();
    await expect.poll(() => closes, { timeout: 10_000, interval: 50 }).toEqual([4403]);
    await readUntil('event: complete');
    expect(text).toContain('The session was revoked.');
    expect(text).toContain('"code":"UNAUTHENTICATED"');
    await socket.dispose();
  }, 20_000);
});
