import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two instances on one PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const apps = await Promise.all([1, 2].map(() => startTestApp(database, { REDIS_URL }, { sweepIntervalMs: 200 })));
    [a, b] = [apps[0]!, apps[1]!];
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('pushes ACTIVE to a subscriber on one instance when the flow completes on the other', async () => {
    const { session, clientToken } = await startSession(a, 'u_scale', ['openai']);
    const { connectLink } = await authorizeLink(a, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const status = subscribe(wsClient(a.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');

    const onB = connectLink.url.replace(a.publicUrl, b.publicUrl);
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(onB)).text(), onB);
    const done = await browser.request(form.action, {
      method: 'POST',
      form: { ...form.fields, apiKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF' },
    });
    expect(done.status).toBe(200);
    const active = (await status.next(2_000)).data.connectionStatus;
    expect(active.status).toBe('ACTIVE');
    await status.completed;
    await status.close();
  });

  it('expires a link once, whichever instance sweeps, and tells subscribers on both', async () => {
    const { session, clientToken } = await startSession(a, 'u_sweep', ['openai']);
    const { connectLink } = await authorizeLink(a, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const onA = subscribe(wsClient(a.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    const onB = subscribe(wsClient(b.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    await Promise.all([onA.next(), onB.next()]);
    const id = Buffer.from(connectLink.id, 'base64').toString().split(':')[1]!;
    await a.database.prisma.connectLink.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const sub of [onA, onB]) {
      expect((await sub.next()).data.connectionStatus).toMatchObject({ status: 'EXPIRED', statusReason: 'INITIATION_TIMEOUT' });
      await sub.completed;
      await sub.close();
    }
    const events = await a.database.prisma.connectionEvent.count({ where: { connectLinkId: id, type: 'connection.expired' } });
    expect(events).toBe(1);
  });

  it('lets go of the Redis channel as soon as the last subscriber leaves, without waiting for an event', async () => {
    const { session, clientToken } = await startSession(a, 'u_leave', ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(a, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const redis = new Redis(REDIS_URL);
    const subscribers = async (channel: string) => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
    try {
      const byAccount = subscribe(wsClient(a.port, clientToken), CONNECTION_STATUS, { connectedAccountId: connectedAccount.id });
      const byLink = subscribe(wsClient(a.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
      await Promise.all([byAccount.next(), byLink.next()]);
      const channels = [`account:changed:${rawId(connectedAccount.id)}`, `link:changed:${rawId(connectLink.id)}`];
      for (const channel of channels) expect(await subscribers(channel)).toBe(1);

      await Promise.all([byAccount.close(), byLink.close()]);
      for (const channel of channels) await expect.poll(() => subscribers(channel), { timeout: 3_000 }).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
