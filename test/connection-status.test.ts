import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLink } from '../src/domain/connections/link-outcomes.js';
import { createEventBus } from '../src/events/bus.js';
import { followBus } from '../src/events/bus-stream.js';
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

  it("shows the status a change carries without reading its event, and reads a change that carries none", async () => {
    const carried = await newLink('u_carried');
    const watcher = watchConnectLink(app.deps, carried.linkId);
    expect((await watcher.next()).value).toMatchObject({ status: 'INITIATED' });
    // No such event row exists: only the change itself can say FAILED.
    await app.deps.bus.deliver('link:changed', carried.linkId, {
      eventId: 'ev_not_stored',
      connectedAccountId: carried.accountId,
      connectLinkId: carried.linkId,
      status: 'FAILED',
      statusReason: 'CARRIED',
      occurredAt: new Date().toISOString(),
    });
    expect((await within(watcher.next(), 3_000, 'the carried state')).value).toMatchObject({ status: 'FAILED', statusReason: 'CARRIED' });

    const bare = await newLink('u_bare');
    const reader = watchConnectLink(app.deps, bare.linkId);
    expect((await reader.next()).value).toMatchObject({ status: 'INITIATED' });
    // As an older instance publishes it: ids only. The event is read, and there is none.
    await app.deps.bus.deliver('link:changed', bare.linkId, { eventId: 'ev_not_stored', connectedAccountId: bare.accountId, connectLinkId: bare.linkId });
    await completeLink(app.deps, bare.linkId, { credentials: { scheme: 'API_KEY', fields: { apiKey: 'sk-test' } }, scopes: [], expiresInSeconds: null });
    expect((await within(reader.next(), 3_000, 'the ACTIVE state')).value).toMatchObject({ status: 'ACTIVE' });
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
  function countingBus() {
    const bus = createEventBus(undefined);
    const listen = bus.listen.bind(bus);
    const listening = { count: 0 };
    bus.listen = (topic, id, listener) => {
      listening.count += 1;
      const unlisten = listen(topic, id, listener);
      return () => {
        listening.count -= 1;
        unlisten();
      };
    };
    return { bus, listening };
  }

  it('releases the bus listener when the bus fails to settle', async () => {
    const { bus, listening } = countingBus();
    bus.settled = () => Promise.reject(new Error('bus unreachable'));
    const stream = followBus(bus, 'account:changed', 'acc_1', (changes) => changes);
    expect(listening.count).toBe(1);
    await expect(stream.next()).rejects.toThrow('bus unreachable');
    expect(listening.count).toBe(0);
  });

  it('hands changes and nudges over in order, one nudge for many, and releases the listener when left', async () => {
    const { bus, listening } = countingBus();
    let nudge = () => {};
    let unregistered = false;
    const stream = followBus(bus, 'link:changed', 'cl_1', (changes) => changes, (callback) => {
      nudge = callback;
      return () => void (unregistered = true);
    });
    const change = { eventId: 'ev_1', connectedAccountId: 'acc_1', connectLinkId: 'cl_1' };
    const first = stream.next();
    await bus.settled();
    await bus.deliver('link:changed', 'cl_1', change);
    expect((await first).value).toEqual(change);
    nudge();
    nudge();
    await bus.deliver('link:changed', 'cl_1', { ...change, eventId: 'ev_2' });
    expect((await stream.next()).value).toBeNull();
    expect((await stream.next()).value).toMatchObject({ eventId: 'ev_2' });
    const waiting = stream.next();
    await stream.return!(undefined);
    expect((await waiting).done).toBe(true);
    expect(listening.count).toBe(0);
    expect(unregistered).toBe(true);
  });

  it('answers a pending read at once when left, even before the bus has settled or while follow waits on a read', async () => {
    const { bus, listening } = countingBus();
    bus.settled = () => new Promise(() => {}); // Redis down: the PING never comes back
    const unsettled = followBus(bus, 'account:changed', 'acc_1', (changes) => changes);
    const pending = unsettled.next();
    await within(unsettled.return!(undefined), 500, 'leaving');
    expect((await within(pending, 500, 'the pending read')).done).toBe(true);
    expect(listening.count).toBe(0);

    const { bus: other, listening: otherListening } = countingBus();
    const busy = followBus(other, 'link:changed', 'cl_1', async function* () {
      yield 'current state';
      await new Promise(() => {}); // a read that does not answer
    });
    expect((await busy.next()).value).toBe('current state');
    const waiting = busy.next();
    await within(busy.return!(undefined), 500, 'leaving');
    expect((await within(waiting, 500, 'the pending read')).done).toBe(true);
    expect((await busy.next()).done).toBe(true);
    expect(otherListening.count).toBe(0);
  });
});
