import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLink } from '../src/domain/connections/link-outcomes.js';
import { createEventBus, followBus } from '../src/events/bus.js';
import { watchConnectedAccount, watchConnectLink } from '../src/domain/connections/connection-status.js';
import { startTestApp, type TestApp } from './support/app.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase, createPostgresDatabase, type TestDatabase } from './support/databases.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))]);
}

describe.each([
  ['in-process bus, PGlite', () => createPGliteDatabase(), {}],
  ['Redis bus, PostgreSQL', () => createPostgresDatabase(), { REDIS_URL }],
] as const)('watching a connection (%s)', (_name, createDatabase, env) => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createDatabase();
    app = await startTestApp(database, env);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function newLink(userId: string) {
    const { session, clientToken } = await startSession(app, userId, ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    return { linkId: rawId(connectLink.id), accountId: rawId(connectedAccount.id) };
  }

  it('does not lose a change committed after the current state was read, before the next one is awaited', async () => {
    const { linkId } = await newLink('u_gap');
    const watcher = watchConnectLink(app.deps, linkId);
    expect((await watcher.next()).value).toMatchObject({ status: 'INITIATED' });

    // The subscriber is busy with the first state while the flow completes.
    await completeLink(app.deps, linkId, { credentials: { scheme: 'API_KEY', fields: { apiKey: 'sk-test' } }, scopes: [], expiresInSeconds: null });
    expect((await within(watcher.next(), 3_000, 'the ACTIVE state')).value).toMatchObject({ status: 'ACTIVE' });
    expect((await within(watcher.next(), 1_000, 'the end')).done).toBe(true);
  });

  it('ends at once when the subscriber leaves while no change is coming', async () => {
    const { linkId, accountId } = await newLink('u_leave');
    for (const watcher of [watchConnectLink(app.deps, linkId), watchConnectedAccount(app.deps, accountId)]) {
      expect((await watcher.next()).value).toMatchObject({ status: 'INITIATED' });
      const waiting = watcher.next();
      await within(watcher.return!(undefined), 1_000, 'leaving');
      expect((await within(waiting, 1_000, 'the pending read')).done).toBe(true);
    }
  });
});

describe('following the bus', () => {
  it('releases the bus subscription when the bus fails to settle', async () => {
    const bus = createEventBus(undefined);
    bus.settled = () => Promise.reject(new Error('bus unreachable'));
    const subscription = bus.subscribe('account:changed', 'acc_1');
    let released = false;
    const release = subscription.return!.bind(subscription);
    subscription.return = (value) => {
      released = true;
      return release(value);
    };

    const stream = followBus(bus, subscription, (changes) => changes);
    await expect(stream.next()).rejects.toThrow('bus unreachable');
    expect(released).toBe(true);
  });
});
