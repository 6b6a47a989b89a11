import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateApiKey, storeApiKey } from '../src/domain/access/api-keys.js';
import { hashSecret } from '../src/domain/crypto/secrets.js';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from './support/app.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { CONNECTION_STATUS } from './support/ws.js';
import { createPGliteDatabase, createPostgresDatabase } from './support/databases.js';

const CREATE = /* GraphQL */ `
  mutation($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { key apiKey { id name prefix createdAt lastUsedAt revokedAt isCurrent } }
  }
`;
const REVOKE = /* GraphQL */ `
  mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }
`;
const LIST = /* GraphQL */ `{ apiKeys(first: 50) { edges { node { id name prefix lastUsedAt revokedAt isCurrent } } } }`;

/** A connected graphql-ws client that records the close codes of its socket. */
function socketClient(app: TestApp, token: string, closes: number[]) {
  return createClient({
    url: `ws://127.0.0.1:${app.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {}, // the close is expected
    connectionParams: { authorization: `Bearer ${token}` },
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
}

/** Runs one operation over the socket; resolves with its last result, or `{ errors }` on an error. */
function runOver(client: Client, query: string, variables?: Record<string, unknown>) {
  return new Promise<any>((resolve) => {
    let value: unknown;
    client.subscribe({ query, variables }, { next: (v) => (value = v), error: (e) => resolve({ errors: e }), complete: () => resolve(value) });
  });
}

async function createKey(app: TestApp, name: string, key: string = TEST_ADMIN_KEY) {
  const result = await app.gql(CREATE, { input: { name } }, key);
  expect(result.errors).toBeUndefined();
  return result.data!.createApiKey as { key: string; apiKey: { id: string; prefix: string; name: string } };
}

describe('API keys: create, list, revoke', () => {
  let app: TestApp;

  beforeAll(async () => {
    // The periodic check of open connections is pushed out of reach: what is refused here is
    // refused by the check every operation gets.
    app = await startTestApp(await createPGliteDatabase(), {}, { accessCheckIntervalMs: 3_600_000 });
  });
  afterAll(() => app?.stop());

  it('creates a key, shown once and stored as a hash, that then authenticates calls', async () => {
    const created = await createKey(app, 'CI pipeline');
    expect(created.key).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({ name: 'CI pipeline', prefix: created.key.slice(0, 12), revokedAt: null, isCurrent: false });

    const row = await app.database.prisma.apiKey.findFirstOrThrow({ where: { name: 'CI pipeline' } });
    expect(row.hash).toBe(hashSecret(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);

    const asNewKey = await app.gql(LIST, {}, created.key);
    expect(asNewKey.errors).toBeUndefined();
    const nodes = asNewKey.data!.apiKeys.edges.map((e: any) => e.node);
    expect(nodes.find((n: any) => n.id === created.apiKey.id)).toMatchObject({ isCurrent: true });
    expect(nodes.find((n: any) => n.id === created.apiKey.id).lastUsedAt).not.toBeNull();
    expect(nodes.some((n: any) => n.name === 'ADMIN_API_KEY')).toBe(true);
  });

  it('never exposes the hash, and validates the name', async () => {
    const fields = await app.gql(`{ __type(name: "ApiKey") { fields { name } } }`);
    expect(fields.data!.__type.fields.map((f: any) => f.name).sort()).toEqual(
      ['createdAt', 'id', 'isCurrent', 'lastUsedAt', 'name', 'prefix', 'revokedAt'].sort(),
    );
    const blank = await app.gql(CREATE, { input: { name: '  ' } });
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'name' }] });
  });

  it('refuses a revoked key at once', async () => {
    const { key, apiKey } = await createKey(app, 'to revoke');
    expect((await app.gql('{ project { id } }', {}, key)).errors).toBeUndefined();

    const revoked = await app.gql(REVOKE, { input: { id: apiKey.id } });
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeApiKey.apiKey.revokedAt).not.toBeNull();

    const refused = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ project { id } }' }),
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    // Again: nothing changes, revokedAt stays the first one.
    const again = await app.gql(REVOKE, { input: { id: apiKey.id } });
    expect(again.data!.revokeApiKey.apiKey.revokedAt).toBe(revoked.data!.revokeApiKey.apiKey.revokedAt);
  });

  it('revokes the key making the call only when asked to explicitly', async () => {
    const { key, apiKey } = await createKey(app, 'self');
    const refused = await app.gql(REVOKE, { input: { id: apiKey.id } }, key);
    expect(refused.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect((await app.gql('{ project { id } }', {}, key)).errors).toBeUndefined();

    const done = await app.gql(REVOKE, { input: { id: apiKey.id, revokeCurrentKey: true } }, key);
    expect(done.errors).toBeUndefined();
    expect((await app.gql('{ project { id } }', {}, key)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it("keeps keys within their project and away from session tokens", async () => {
    const other = await app.database.prisma.project.create({ data: { name: 'Other' } });
    const otherKeyId = await storeApiKey(app.database.prisma, other.id, generateApiKey(), 'theirs');
    const globalId = Buffer.from(`ApiKey:${otherKeyId}`).toString('base64');
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId })).data!.node).toBeNull();
    const list = await app.gql(LIST);
    expect(list.data!.apiKeys.edges.some((e: any) => e.node.id === globalId)).toBe(false);
    const revoke = await app.gql(REVOKE, { input: { id: globalId } });
    expect(revoke.errors![0]!.extensions!.code).toBe('NOT_FOUND');

    const { clientToken } = await startSession(app, 'u_keys');
    for (const query of [LIST, `mutation { createApiKey(input: { name: "x" }) { key } }`]) {
      const result = await app.gql(query, {}, clientToken);
      expect(result.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
  });

  it('refuses new operations on an open WebSocket of a revoked key at once', async () => {
    const { key, apiKey } = await createKey(app, 'socket');
    const closes: number[] = [];
    const client = socketClient(app, key, closes);
    expect((await runOver(client, '{ project { id } }')).data.project.id).toBeTruthy();

    expect((await app.gql(REVOKE, { input: { id: apiKey.id } })).errors).toBeUndefined();
    const refused = await runOver(client, '{ project { id } }');
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(closes).toEqual([]);
    await client.dispose();
  });
});

describe('open connections once their access ends', () => {
  let app: TestApp;

  beforeAll(async () => {
    // A short check interval (default 5 s): what an open connection waits for is that check.
    app = await startTestApp(await createPGliteDatabase(), {}, { accessCheckIntervalMs: 200 });
  });
  afterAll(() => app?.stop());

  it('closes the WebSockets of a revoked key, busy or idle, at the next check', async () => {
    const { key, apiKey } = await createKey(app, 'socket');
    const closes: number[] = [];
    const client = socketClient(app, key, closes);
    const idle = socketClient(app, key, closes);
    expect((await runOver(client, '{ project { id } }')).data.project.id).toBeTruthy();

    expect((await app.gql(REVOKE, { input: { id: apiKey.id } })).errors).toBeUndefined();
    await expect.poll(() => closes, { timeout: 8_000, interval: 50 }).toEqual([4403, 4403]);
    await client.dispose();
    await idle.dispose();
  });

  it('ends Server-Sent Events subscriptions of a revoked key and of an expired session', async () => {
    const { key, apiKey } = await createKey(app, 'sse');
    const { session, clientToken } = await startSession(app, 'u_sse_end');
    const { connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });

    /** A connectionStatus stream over SSE, read until a piece of text shows up. */
    async function openStream(token: string) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CONNECTION_STATUS, variables: { connectedAccountId: connectedAccount.id } }),
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      return async (expected: string) => {
        while (!text.includes(expected)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${expected}: ${text}`);
          text += value;
        }
        return text;
      };
    }
    const byKey = await openStream(key);
    const bySession = await openStream(clientToken);
    await Promise.all([byKey('"status":"INITIATED"'), bySession('"status":"INITIATED"')]);

    expect((await app.gql(REVOKE, { input: { id: apiKey.id } })).errors).toBeUndefined();
    await app.database.prisma.session.updateMany({ where: { id: rawId(session.id) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const [stream, message] of [
      [byKey, 'The API key was revoked.'],
      [bySession, 'The session has expired.'],
    ] as const) {
      const text = await stream('event: complete');
      expect(text).toContain(message);
      expect(text).toContain('"code":"UNAUTHENTICATED"');
    }
  }, 15_000);

  it("closes a session client token's WebSockets once its session expires", async () => {
    const { session, clientToken } = await startSession(app, 'u_socket');
    const closes: number[] = [];
    const client = socketClient(app, clientToken, closes);
    const read = await runOver(client, 'query($id: ID!) { session(id: $id) { id } }', { id: session.id });
    expect(read.data.session.id).toBe(session.id);

    await app.database.prisma.session.updateMany({ where: { userId: 'u_socket' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect.poll(() => closes, { timeout: 8_000, interval: 50 }).toEqual([4403]);
    await client.dispose();
  });
});

describe("the operator's ADMIN_API_KEY in apiKeys", () => {
  // An operator-chosen key may be short on entropy: its listed prefix gives little of it away.
  const OPERATOR_KEY = 'my-operator-chosen-admin-key-2026';

  it('shows at most its first 4 characters, and shortens a longer prefix stored before', async () => {
    const db = await createPostgresDatabase();
    try {
      const first = await startTestApp(db, { ADMIN_API_KEY: OPERATOR_KEY });
      try {
        const list = await first.gql(LIST, {}, OPERATOR_KEY);
        expect(list.errors).toBeUndefined();
        const admin = list.data!.apiKeys.edges.map((e: any) => e.node).find((n: any) => n.name === 'ADMIN_API_KEY');
        expect(admin.prefix).toBe(OPERATOR_KEY.slice(0, 4));
        // A key created through the API, random after `csk_`, still shows 12.
        const created = await first.gql(CREATE, { input: { name: 'generated' } }, OPERATOR_KEY);
        expect(created.data!.createApiKey.apiKey.prefix).toHaveLength(12);
        // As an earlier version stored it.
        await first.database.prisma.apiKey.updateMany({ where: { name: 'ADMIN_API_KEY' }, data: { prefix: OPERATOR_KEY.slice(0, 12) } });
      } finally {
        await first.stop();
      }
      const second = await startTestApp(db, { ADMIN_API_KEY: OPERATOR_KEY });
      try {
        const rows = await second.database.prisma.apiKey.findMany({ where: { name: 'ADMIN_API_KEY' } });
        expect(rows.map((row) => row.prefix)).toEqual([OPERATOR_KEY.slice(0, 4)]);
      } finally {
        await second.stop();
      }
    } finally {
      await db.drop();
    }
  }, 60_000);
});
