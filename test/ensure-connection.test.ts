import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './support/app.js';
import { authorizeLink, CALLBACK_ORIGIN, rawId, startSession } from './support/connect.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { ensure, submitApiKeyForm } from './support/ensure.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

// On PostgreSQL, so that concurrent calls really run on several connections at once.
describe('ensureConnection', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = await startTestApp(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const accountsOf = (userId: string) => app.database.prisma.connectedAccount.findMany({ where: { userId } });
  const liveLinksOf = (userId: string) =>
    app.database.prisma.connectLink.findMany({ where: { status: 'PENDING', connectedAccount: { userId } } });

  it('returns a link with a chat-ready message, the same link when asked again, then ACTIVE with no link', async () => {
    const { session, clientToken } = await startSession(app, 'u_ensure', ['openai']);
    const first = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    expect(first).toMatchObject({ status: 'INITIATED', connectedAccount: { status: 'INITIATED' } });
    expect(first.connectLink!.url).toMatch(new RegExp(`^${app.publicUrl}/link/cl_`));
    expect(first.message).toBe(`Connect your OpenAI account to continue: ${first.connectLink!.url}`);

    const again = await ensure(app, TEST_ADMIN_KEY, { sessionId: session.id, toolkit: 'openai' });
    expect(again).toEqual(first);
    expect(await accountsOf('u_ensure')).toHaveLength(1);
    expect(await liveLinksOf('u_ensure')).toHaveLength(1);

    await submitApiKeyForm(first.connectLink!.url);
    const connected = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    expect(connected).toEqual({
      status: 'ACTIVE',
      message: 'Your OpenAI account is already connected.',
      connectedAccount: { id: first.connectedAccount.id, status: 'ACTIVE' },
      connectLink: null,
    });
  });

  it('is the whole GraphQL loop with connectionStatus: one call to start, one subscription to wait', async () => {
    const { session, clientToken } = await startSession(app, 'u_loop', ['openai']);
    const started = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const status = subscribe(wsClient(app.port, clientToken), CONNECTION_STATUS, { connectLinkId: started.connectLink!.id });
    expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');
    await submitApiKeyForm(started.connectLink!.url);
    expect((await status.next()).data.connectionStatus).toMatchObject({
      status: 'ACTIVE',
      connectedAccount: { id: started.connectedAccount.id, status: 'ACTIVE' },
    });
    await status.completed;
    await status.close();
  });

  it('yields one account and one link for 10 concurrent calls', async () => {
    const { session, clientToken } = await startSession(app, 'u_burst', ['openai']);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ensure(app, i % 2 ? clientToken : TEST_ADMIN_KEY, { sessionId: session.id, toolkit: 'openai' })),
    );
    expect(new Set(results.map((r) => r.connectedAccount.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.connectLink!.url)).size).toBe(1);
    expect(await accountsOf('u_burst')).toHaveLength(1);
    expect(await app.database.prisma.connectLink.count({ where: { connectedAccount: { userId: 'u_burst' } } })).toBe(1);
  });

  it('keeps accounts of different aliases apart, and names the alias in the message', async () => {
    const { session, clientToken } = await startSession(app, 'u_alias', ['openai']);
    const work = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai', alias: 'work' });
    const home = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai', alias: 'home' });
    expect(work.connectedAccount.id).not.toBe(home.connectedAccount.id);
    expect(work.message).toBe(`Connect your OpenAI account "work" to continue: ${work.connectLink!.url}`);
    expect((await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai', alias: 'work' })).connectLink!.id).toBe(
      work.connectLink!.id,
    );
  });

  for (const status of ['EXPIRED', 'FAILED', 'INACTIVE'] as const) {
    it(`re-authorizes a ${status} account in place`, async () => {
      const userId = `u_reauth_${status.toLowerCase()}`;
      const { session, clientToken } = await startSession(app, userId, ['openai']);
      const first = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
      await submitApiKeyForm(first.connectLink!.url);
      await app.database.prisma.connectedAccount.update({
        where: { id: rawId(first.connectedAccount.id) },
        data: { status, statusReason: 'invalid_grant' },
      });

      const again = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
      expect(again).toMatchObject({ status: 'INITIATED', connectedAccount: { id: first.connectedAccount.id, status } });
      expect(again.connectLink!.id).not.toBe(first.connectLink!.id);
      await submitApiKeyForm(again.connectLink!.url);
      const done = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
      expect(done).toMatchObject({ status: 'ACTIVE', connectedAccount: { id: first.connectedAccount.id } });
      expect(await accountsOf(userId)).toHaveLength(1);
    });
  }

  it('replaces the pending link of another session of the same user, so one link stays live', async () => {
    const a = await startSession(app, 'u_two_chats', ['openai']);
    const b = await startSession(app, 'u_two_chats', ['openai']);
    const onA = await ensure(app, a.clientToken, { sessionId: a.session.id, toolkit: 'openai' });
    const onB = await ensure(app, b.clientToken, { sessionId: b.session.id, toolkit: 'openai', callbackUrl: `${CALLBACK_ORIGIN}/b` });
    expect(onB.connectedAccount.id).toBe(onA.connectedAccount.id);
    expect(onB.connectLink!.id).not.toBe(onA.connectLink!.id);
    const live = await liveLinksOf('u_two_chats');
    expect(live.map((link) => link.id)).toEqual([rawId(onB.connectLink!.id)]);
    const replaced = await app.database.prisma.connectionEvent.findFirstOrThrow({
      where: { connectLinkId: rawId(onA.connectLink!.id), type: 'connection.expired' },
    });
    expect(replaced).toMatchObject({ status: 'EXPIRED', statusReason: 'SUPERSEDED' });
    const page = await fetch(onA.connectLink!.url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('replaced by a newer one');
  });

  it('refuses a session client token of another session', async () => {
    const mine = await startSession(app, 'u_mine', ['openai']);
    const other = await startSession(app, 'u_other', ['openai']);
    const result = await app.gql(
      `mutation($input: EnsureConnectionInput!) { ensureConnection(input: $input) { message } }`,
      { input: { sessionId: mine.session.id, toolkit: 'openai' } },
      other.clientToken,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await accountsOf('u_mine')).toHaveLength(0);
  });
});

describe('authorize', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = await startTestApp(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('re-authorizes the ACTIVE account when called again for the toolkit, instead of creating a duplicate', async () => {
    const { session, clientToken } = await startSession(app, 'u_twice', ['openai']);
    const first = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    await submitApiKeyForm(first.connectLink.url);
    const second = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    expect(second.connectedAccount).toEqual({ id: first.connectedAccount.id, status: 'ACTIVE' });
    expect(await app.database.prisma.connectedAccount.count({ where: { userId: 'u_twice' } })).toBe(1);
  });

  it('creates one account for concurrent calls', async () => {
    const { session, clientToken } = await startSession(app, 'u_race', ['openai']);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' })),
    );
    expect(new Set(results.map((r) => r.connectedAccount.id)).size).toBe(1);
    expect(await app.database.prisma.connectedAccount.count({ where: { userId: 'u_race' } })).toBe(1);
  });
});
