import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { startTwoInstancesOnOwnRedis, type TwoInstances } from './support/two-instances.js';
import type { OwnRedis } from './support/redis.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF';

/** Submits the API-key form of `linkUrl` on the instance at `baseUrl` (the link's own origin replaced). */
async function completeOn(baseUrl: string, linkUrl: string, publicUrl: string) {
  const url = linkUrl.replace(publicUrl, baseUrl);
  const browser = new Browser();
  const form = Browser.parseForm(await (await browser.request(url)).text(), url);
  const done = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: OPENAI_KEY } });
  expect(done.status).toBe(200);
}

describe('a chat waiting on one instance while Redis goes down and comes back', () => {
  let instances: TwoInstances;
  let redis: OwnRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // Neither the outbox relay nor the periodic check may rescue the event here: what is
    // tested is the re-read when B's bus is live again.
    instances = await startTwoInstancesOnOwnRedis({ sweepIntervalMs: 60_000, relayAfterMs: 600_000, statusCheckIntervalMs: 600_000 });
    ({ a, b, redis } = instances);
  });
  afterAll(() => instances?.stop());

  it('keeps the event in the outbox while Redis is down, and tells the chat once it is back', async () => {
    const { session, clientToken } = await startSession(a, 'u_outage', ['openai']);
    const { connectLink } = await authorizeLink(a, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const status = subscribe(wsClient(b.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');

    await redis.kill();
    await completeOn(a.url, connectLink.url, a.publicUrl);
    const event = await a.database.prisma.connectionEvent.findFirstOrThrow({
      where: { connectLinkId: rawId(connectLink.id), status: 'ACTIVE' },
    });
    // The bus did not take it: it stays unpublished, for the relay.
    expect(event.publishedAt).toBeNull();

    await redis.restart();
    const active = (await status.next(20_000)).data.connectionStatus;
    expect(active.status).toBe('ACTIVE');
    await status.completed;
    await status.close();
  });
});

describe('the periodic check under the bus', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // Two instances on one database with no shared bus: B hears of A's events only through the check.
    a = await startTestApp(database, {}, { sweepIntervalMs: 60_000 });
    b = await startTestApp(database, { PUBLIC_URL: a.publicUrl }, { sweepIntervalMs: 60_000, statusCheckIntervalMs: 200 });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('brings a subscription that missed its event up to date, by link and by account', async () => {
    const { session, clientToken } = await startSession(a, 'u_missed', ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(a, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const byLink = subscribe(wsClient(b.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    const byAccount = subscribe(wsClient(b.port, clientToken), CONNECTION_STATUS, { connectedAccountId: connectedAccount.id });
    expect((await byLink.next()).data.connectionStatus.status).toBe('INITIATED');
    expect((await byAccount.next()).data.connectionStatus.status).toBe('INITIATED');

    await completeOn(a.url, connectLink.url, a.publicUrl);
    expect((await byLink.next(10_000)).data.connectionStatus.status).toBe('ACTIVE');
    expect((await byAccount.next(10_000)).data.connectionStatus.status).toBe('ACTIVE');
    await byLink.completed;
    await Promise.all([byLink.close(), byAccount.close()]);
  });
});
