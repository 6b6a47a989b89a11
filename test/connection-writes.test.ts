import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../src/domain/errors.js';
import { newEventRow } from '../src/domain/events/outbox.js';
import { openCredentials } from '../src/domain/connections/credentials.js';
import { completeLink } from '../src/domain/connections/link-outcomes.js';
import { startConnection, type ConnectionPlan } from '../src/domain/connections/start-connection.js';
import { startTestApp, type TestApp } from './support/app.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase, createPostgresDatabase, type TestDatabase } from './support/databases.js';

// A new account's flow and a completion without a provider account are each written by one
// database function (migration connection_write_functions); the rest by the general path.
// Both databases run the functions.
describe.each([
  ['PGlite', () => createPGliteDatabase()],
  ['PostgreSQL', () => createPostgresDatabase()],
] as const)('writing a connection (%s)', (_name, createDatabase) => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createDatabase();
    app = await startTestApp(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  /** A plan for a new user of the same project, toolkit and auth config as a first authorize. */
  async function planFor(userId: string, alias: string | null = null): Promise<ConnectionPlan> {
    const { session, clientToken } = await startSession(app, `${userId}_seed`, ['openai']);
    const seeded = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const seed = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(seeded.connectedAccount.id) } });
    const own = await startSession(app, userId, ['openai']);
    return {
      projectId: seed.projectId,
      session: { id: rawId(own.session.id), userId },
      toolkitId: seed.toolkitId,
      authConfigId: seed.authConfigId,
      alias,
      callbackUrl: null,
      connectedAccountId: null,
      linkTtlSeconds: 600,
    };
  }

  it('returns exactly the rows it wrote for a new account, with their event', async () => {
    const started = await startConnection(app.deps, await planFor('u_rows'), 'authorize');
    if (started.kind !== 'link') throw new Error('expected a link');
    const { prisma } = app.database;
    expect(await prisma.connectedAccount.findUnique({ where: { id: started.account.id } })).toEqual(started.account);
    expect(await prisma.connectLink.findUnique({ where: { id: started.link.id } })).toEqual(started.link);
    const events = await prisma.connectionEvent.findMany({ where: { connectedAccountId: started.account.id } });
    expect(events).toMatchObject([{ type: 'connection.initiated', status: 'INITIATED', connectLinkId: started.link.id }]);
    expect(started.link.tokenHash).not.toContain(started.token);
  });

  it('re-authorizes the account a second call finds, and creates one account for concurrent calls', async () => {
    const plan = await planFor('u_again');
    const results = await Promise.all(Array.from({ length: 6 }, () => startConnection(app.deps, plan, 'authorize')));
    const accounts = await app.database.prisma.connectedAccount.findMany({ where: { userId: 'u_again' } });
    expect(accounts).toHaveLength(1);
    expect(new Set(results.map((result) => result.account.id))).toEqual(new Set([accounts[0]!.id]));
    const types = (await app.database.prisma.connectionEvent.findMany({ where: { connectedAccountId: accounts[0]!.id } })).map((e) => e.type);
    expect(types.sort()).toEqual(['connection.initiated', ...Array(5).fill('connection.reauthorization_started')]);
  });

  it('says CONFLICT when a revoked account of the user holds the alias', async () => {
    const plan = await planFor('u_alias', 'work');
    const first = await startConnection(app.deps, plan, 'authorize');
    await app.database.prisma.connectedAccount.update({ where: { id: first.account.id }, data: { status: 'REVOKED' } });
    const again = startConnection(app.deps, plan, 'authorize');
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT', message: 'The alias "work" is already used for this user and toolkit.' });
  });

  it('completes a link once: the account ACTIVE with its credentials and version counted, and its event', async () => {
    const started = await startConnection(app.deps, await planFor('u_done'), 'authorize');
    if (started.kind !== 'link') throw new Error('expected a link');
    const before = Date.now();
    const credentials = { scheme: 'API_KEY' as const, fields: { apiKey: 'sk-done' } };
    const done = await completeLink(app.deps, started.link.id, { credentials, scopes: ['read'], expiresInSeconds: null });
    expect(done).toEqual({ connectedAccountId: started.account.id, callbackUrl: null, providerAccount: null });

    const { prisma } = app.database;
    const account = await prisma.connectedAccount.findUniqueOrThrow({ where: { id: started.account.id } });
    expect(account).toMatchObject({
      status: 'ACTIVE',
      statusReason: null,
      version: 1,
      scopes: ['read'],
      credentialsKeyId: started.link.tokenKeyId,
      tokenExpiresAt: null,
      nextRefreshAt: null,
      refreshAttempts: 0,
      refreshClaimId: null,
    });
    for (const at of [account.statusChangedAt, account.updatedAt, account.tokenObtainedAt!]) {
      expect(at.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(at.getTime()).toBeLessThanOrEqual(Date.now());
    }
    expect(account.updatedAt).toEqual(account.statusChangedAt);
    expect(openCredentials(app.deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! })).toEqual(credentials);
    expect(await prisma.connectLink.findUniqueOrThrow({ where: { id: started.link.id } })).toMatchObject({ status: 'COMPLETED', consumedAt: account.statusChangedAt });
    const events = await prisma.connectionEvent.findMany({ where: { connectedAccountId: account.id }, orderBy: { occurredAt: 'asc' } });
    expect(events.map((e) => [e.type, e.status, e.connectLinkId])).toEqual([
      ['connection.initiated', 'INITIATED', started.link.id],
      ['connection.active', 'ACTIVE', started.link.id],
    ]);

    const again = completeLink(app.deps, started.link.id, { credentials, scopes: [], expiresInSeconds: null });
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } })).version).toBe(1);
  });

  it('refuses to complete an expired link, and writes nothing', async () => {
    const started = await startConnection(app.deps, await planFor('u_late'), 'authorize');
    if (started.kind !== 'link') throw new Error('expected a link');
    await app.database.prisma.connectLink.update({ where: { id: started.link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = completeLink(app.deps, started.link.id, { credentials: { scheme: 'API_KEY', fields: { apiKey: 'x' } }, scopes: [], expiresInSeconds: null });
    await expect(late).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: started.account.id } })).toEqual(started.account);
  });

  it('refuses to complete a link for another account than the one it belongs to', async () => {
    const mine = await startConnection(app.deps, await planFor('u_mine'), 'authorize');
    const theirs = await startConnection(app.deps, await planFor('u_theirs'), 'authorize');
    if (mine.kind !== 'link' || theirs.kind !== 'link') throw new Error('expected links');
    const pending = await app.database.prisma.connectLink.findUniqueOrThrow({
      where: { id: mine.link.id },
      include: { connectedAccount: { include: { toolkit: true } }, authConfig: true },
    });
    const crossed = completeLink(app.deps, { ...pending, connectedAccountId: theirs.account.id }, {
      credentials: { scheme: 'API_KEY', fields: { apiKey: 'x' } },
      scopes: [],
      expiresInSeconds: null,
    });
    await expect(crossed).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await app.database.prisma.connectLink.findUniqueOrThrow({ where: { id: mine.link.id } })).toEqual(mine.link);
    expect(await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: theirs.account.id } })).toEqual(theirs.account);
  });

  it('inserts only the columns a row names, so a column it leaves out gets its default', async () => {
    const started = await startConnection(app.deps, await planFor('u_defaults'), 'authorize');
    const row = { id: 'ev_defaults', projectId: started.account.projectId, connectedAccountId: started.account.id, type: 'connection.test', status: 'INITIATED' };
    await app.database.prisma.$executeRaw`SELECT "connect_insert"('ConnectionEvent', ${JSON.stringify([row])}::jsonb)`;
    const stored = await app.database.prisma.connectionEvent.findUniqueOrThrow({ where: { id: 'ev_defaults' } });
    expect(stored).toMatchObject({ ...row, connectLinkId: null, publishedAt: null });
    expect(Math.abs(stored.occurredAt.getTime() - Date.now())).toBeLessThan(60_000);
  });
});

describe('new event ids', () => {
  it('sort in the order the events were made, within a millisecond too', () => {
    const event = { projectId: 'p', connectedAccountId: 'a', connectLinkId: null, type: 'connection.initiated' as const, status: 'INITIATED' as const, statusReason: null };
    const at = new Date();
    const ids = Array.from({ length: 200 }, () => newEventRow(event, at).id);
    expect([...ids].sort()).toEqual(ids);
  });
});
