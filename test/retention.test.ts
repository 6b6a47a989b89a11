import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { applyRetention, DEFAULT_RETENTION } from '../src/domain/events/retention.js';
import { startTestApp, type TestApp } from './support/app.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';

const DAY = 86_400_000;

describe('retention', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { sweepIntervalMs: 60_000 });
  });
  afterAll(() => app?.stop());

  it('deletes finished rows past their days, never what is still needed', async () => {
    const prisma = app.database.prisma;
    const { session, clientToken } = await startSession(app, 'u_retention', ['openai']);
    const links = [];
    for (let i = 0; i < 4; i++) links.push(await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai', alias: `a${i}` }));
    const [oldDone, oldPending, recentDone, oldFailed] = links.map((l) => rawId(l.connectLink.id));
    const old = new Date(Date.now() - 40 * DAY);
    const recent = new Date(Date.now() - 2 * DAY);
    await prisma.connectLink.update({ where: { id: oldDone! }, data: { status: 'COMPLETED', expiresAt: old } });
    await prisma.connectLink.update({ where: { id: oldPending! }, data: { expiresAt: old } });
    await prisma.connectLink.update({ where: { id: recentDone! }, data: { status: 'EXPIRED', expiresAt: recent } });
    await prisma.connectLink.update({ where: { id: oldFailed! }, data: { status: 'FAILED', expiresAt: old } });

    // One INITIATED event per link; make them old, one of them never published.
    const events = await prisma.connectionEvent.findMany({ where: { connectLinkId: { in: [oldDone!, oldPending!, recentDone!, oldFailed!] } } });
    expect(events).toHaveLength(4);
    const byLink = new Map(events.map((e) => [e.connectLinkId!, e.id]));
    await prisma.connectionEvent.updateMany({ where: { id: { in: events.map((e) => e.id) } }, data: { occurredAt: old } });
    await prisma.connectionEvent.update({ where: { id: byLink.get(oldPending!)! }, data: { publishedAt: null } });
    await prisma.connectionEvent.update({ where: { id: byLink.get(recentDone!)! }, data: { occurredAt: recent } });

    const endpoint = await app.gql(`mutation { createWebhookEndpoint(input: { url: "https://hooks.example.com/x" }) { webhookEndpoint { id } } }`);
    const endpointGlobalId = endpoint.data!.createWebhookEndpoint.webhookEndpoint.id;
    await app.gql(`mutation($id: ID!) { updateWebhookEndpoint(input: { id: $id, enabled: false }) { webhookEndpoint { id } } }`, { id: endpointGlobalId });
    const endpointId = rawId(endpointGlobalId);
    await prisma.webhookDelivery.createMany({
      data: [
        // Still owed: keeps its event too.
        { endpointId, eventId: byLink.get(oldFailed!)!, eventType: 'connection.initiated', status: 'PENDING', createdAt: old },
        { endpointId, eventId: byLink.get(oldDone!)!, eventType: 'connection.initiated', status: 'DELIVERED', createdAt: old },
        { endpointId, eventId: byLink.get(recentDone!)!, eventType: 'connection.initiated', status: 'FAILED', createdAt: recent },
      ],
    });

    expect(await applyRetention(prisma, { eventsDays: 0, webhookDeliveriesDays: 0, connectLinksDays: 0, sessionsDays: 0 })).toEqual({
      events: 0,
      webhookDeliveries: 0,
      connectLinks: 0,
      sessions: 0,
    });
    expect(await applyRetention(prisma, DEFAULT_RETENTION)).toEqual({ events: 1, webhookDeliveries: 1, connectLinks: 2, sessions: 0 });

    const remainingLinks = (await prisma.connectLink.findMany({ where: { id: { in: [oldDone!, oldPending!, recentDone!, oldFailed!] } } })).map((l) => l.id);
    expect(remainingLinks.sort()).toEqual([oldPending!, recentDone!].sort());
    const remainingEvents = (await prisma.connectionEvent.findMany({ where: { id: { in: events.map((e) => e.id) } } })).map((e) => e.id);
    expect(remainingEvents.sort()).toEqual([byLink.get(oldPending!)!, byLink.get(recentDone!)!, byLink.get(oldFailed!)!].sort());
    const deliveries = await prisma.webhookDelivery.findMany({ where: { endpointId } });
    expect(deliveries.map((d) => d.status).sort()).toEqual(['FAILED', 'PENDING']);
    // Nothing left to do: a second run deletes nothing.
    expect(await applyRetention(prisma, DEFAULT_RETENTION)).toEqual({ events: 0, webhookDeliveries: 0, connectLinks: 0, sessions: 0 });
  });

  it('deletes sessions long ended, with their finished links, never one still in use', async () => {
    const prisma = app.database.prisma;
    const long = new Date(Date.now() - 40 * DAY);
    const lately = new Date(Date.now() - 2 * DAY);
    const start = async (userId: string) => {
      const { session, clientToken } = await startSession(app, userId, ['openai']);
      const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
      return { id: rawId(session.id), linkId: rawId(connectLink.id) };
    };
    const sessions = [];
    for (const userId of ['u_s1', 'u_s2', 'u_s3', 'u_s4', 'u_s5', 'u_s6']) sessions.push(await start(userId));
    const [expiredLong, revokedLong, endedLately, neverEnds, withPending, withFinished] = sessions.map((s) => s.id);
    // Every link but one is finished; that one keeps its session.
    await prisma.connectLink.updateMany({ where: { id: { in: sessions.filter((s) => s.id !== withPending).map((s) => s.linkId) } }, data: { status: 'COMPLETED' } });
    await prisma.session.updateMany({ where: { id: { in: [expiredLong!, withPending!, withFinished!] } }, data: { expiresAt: long } });
    await prisma.session.update({ where: { id: revokedLong! }, data: { revokedAt: long } });
    await prisma.session.update({ where: { id: endedLately! }, data: { expiresAt: lately } });
    await prisma.session.update({ where: { id: neverEnds! }, data: { expiresAt: null } });
    const result = await applyRetention(prisma, { eventsDays: 0, webhookDeliveriesDays: 0, connectLinksDays: 0, sessionsDays: 30 });
    expect(result.sessions).toBe(3);
    const left = await prisma.session.findMany({ where: { id: { in: [expiredLong!, revokedLong!, endedLately!, neverEnds!, withPending!, withFinished!] } } });
    expect(left.map((s) => s.id).sort()).toEqual([endedLately!, neverEnds!, withPending!].sort());
    expect(await prisma.connectLink.count({ where: { sessionId: withFinished! } })).toBe(0);
  });

  it('reads its days from the environment; 0 keeps rows forever', () => {
    expect(loadConfig({}).retention).toEqual(DEFAULT_RETENTION);
    expect(loadConfig({ RETENTION_EVENTS_DAYS: '0', RETENTION_CONNECT_LINKS_DAYS: '3' }).retention).toEqual({
      eventsDays: 0,
      webhookDeliveriesDays: 30,
      connectLinksDays: 3,
      sessionsDays: 30,
    });
    expect(() => loadConfig({ RETENTION_WEBHOOK_DELIVERIES_DAYS: '-1' })).toThrow('RETENTION_WEBHOOK_DELIVERIES_DAYS');
  });
});
