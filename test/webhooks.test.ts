import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateApiKey, storeApiKey } from '../src/domain/access/api-keys.js';
import { KeyRing } from '../src/domain/crypto/encryption.js';
import { NO_ANSWER_ERROR } from '../src/domain/events/webhook-delivery.js';
import { TEST_ENCRYPTION_KEYS, startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase, createPostgresDatabase } from './support/databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF';

const CREATE = /* GraphQL */ `
  mutation($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { webhookEndpoint { id url description eventTypes enabled } secret }
  }
`;
const DELIVERIES = /* GraphQL */ `
  query($id: ID!) {
    node(id: $id) {
      ... on WebhookEndpoint {
        url eventTypes enabled createdAt
        deliveries(first: 50) { edges { node { id eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastError deliveredAt } } }
      }
    }
  }
`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) { deletedWebhookEndpointId } }`;

async function createEndpoint(app: TestApp, input: Record<string, unknown>, key?: string) {
  const result = await app.gql(CREATE, { input }, key);
  expect(result.errors).toBeUndefined();
  return result.data!.createWebhookEndpoint as { webhookEndpoint: { id: string }; secret: string };
}

async function deliveriesOf(app: TestApp, endpointId: string) {
  const result = await app.gql(DELIVERIES, { id: endpointId });
  expect(result.errors).toBeUndefined();
  return (result.data!.node.deliveries.edges as { node: Record<string, any> }[]).map((e) => e.node);
}

/** One connection.initiated event in the default project. */
async function initiate(app: TestApp, userId: string) {
  const { session, clientToken } = await startSession(app, userId, ['openai']);
  return authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
}

const waitFor = <T>(check: () => T | Promise<T>, timeout = 15_000) => vi.waitFor(check, { timeout, interval: 25 });

describe('webhooks (embedded database)', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Short waits: three retries 100 ms apart, attempts time out after 300 ms.
    app = await startTestApp(await createPGliteDatabase(), {}, {
      sweepIntervalMs: 50,
      webhookDelivery: { retryDelaysMs: [100, 100, 100], jitter: 0, timeoutMs: 300 },
    });
  });
  afterAll(() => app?.stop());

  it('delivers a whole API-key connect as signed Standard Webhooks, filtered by event type', async () => {
    const all = await WebhookReceiver.start();
    const activeOnly = await WebhookReceiver.start();
    const a = await createEndpoint(app, { url: all.url(), description: 'everything' });
    const b = await createEndpoint(app, { url: activeOnly.url(), eventTypes: ['connection.active'] });
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const { session, clientToken } = await startSession(app, 'u_42', ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    expect((await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: OPENAI_KEY } })).status).toBe(200);

    await waitFor(() => expect([all.received.length, activeOnly.received.length]).toEqual([2, 1]));
    const payloads = all.verified(a.secret);
    expect(payloads.map((p) => p.type)).toEqual(['connection.initiated', 'connection.active']);
    expect(payloads[1]).toEqual({
      type: 'connection.active',
      timestamp: payloads[1]!.data.occurredAt,
      data: {
        id: expect.any(String),
        connectedAccountId: connectedAccount.id,
        connectLinkId: connectLink.id,
        status: 'ACTIVE',
        statusReason: null,
        occurredAt: expect.any(String),
        userId: 'u_42',
        alias: null,
        toolkit: 'openai',
      },
    });
    for (const [i, request] of all.received.entries()) {
      expect(request.headers['webhook-id']).toBe(payloads[i]!.data.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    }
    expect(activeOnly.verified(b.secret).map((p) => p.type)).toEqual(['connection.active']);
    expect(() => all.verified(b.secret)).toThrow('No matching signature');

    // The secret is stored encrypted under the endpoint id, and no query returns it.
    const row = await app.database.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: rawId(a.webhookEndpoint.id) } });
    const secretBytes = a.secret.slice('whsec_'.length);
    expect(JSON.stringify(row)).not.toContain(secretBytes);
    expect(row.secretKeyId).toBe('test1');
    expect(KeyRing.parse(TEST_ENCRYPTION_KEYS).decrypt(row.encryptedSecret, row.id)).toBe(a.secret);
    const listed = await app.gql(`{ webhookEndpoints(first: 10) { edges { node { id url description eventTypes enabled createdAt updatedAt } } } }`);
    expect(listed.data!.webhookEndpoints.edges).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(secretBytes);
    expect(JSON.stringify(await app.gql(DELIVERIES, { id: a.webhookEndpoint.id }))).not.toContain(secretBytes);
    const fields = await app.gql(`{ __type(name: "WebhookEndpoint") { fields { name } } }`);
    expect(fields.data!.__type.fields.map((f: { name: string }) => f.name).join()).not.toMatch(/secret/i);

    // A rotated secret signs from then on; retryWebhookDelivery replays a delivered event.
    const rotated = await app.gql(`mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret } }`, { id: b.webhookEndpoint.id });
    const newSecret = rotated.data!.rotateWebhookSecret.secret as string;
    expect(newSecret).not.toBe(b.secret);
    const [delivered] = await deliveriesOf(app, b.webhookEndpoint.id);
    expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
    const retried = await app.gql(`mutation($id: ID!) { retryWebhookDelivery(input: { id: $id }) { webhookDelivery { status attempts } } }`, {
      id: delivered!.id,
    });
    expect(retried.errors).toBeUndefined();
    await waitFor(() => expect(activeOnly.received).toHaveLength(2));
    const replay = activeOnly.received[1]!;
    expect(replay.headers['webhook-id']).toBe(activeOnly.received[0]!.headers['webhook-id']);
    expect(() => activeOnly.verified(newSecret)).toThrow(); // the first one was signed with the old secret
    activeOnly.received.shift();
    expect(activeOnly.verified(newSecret)).toHaveLength(1);

    for (const endpoint of [a, b]) await app.gql(DELETE, { id: endpoint.webhookEndpoint.id });
    await Promise.all([all.close(), activeOnly.close()]);
  });

  it('retries 503s with backoff until the receiver accepts', async () => {
    const receiver = await WebhookReceiver.start(0, (n) => (n < 2 ? 503 : 200));
    const { webhookEndpoint, secret } = await createEndpoint(app, { url: receiver.url() });
    await initiate(app, 'u_retry');

    await waitFor(async () => expect((await deliveriesOf(app, webhookEndpoint.id))[0]).toMatchObject({ status: 'DELIVERED' }));
    const [delivery] = await deliveriesOf(app, webhookEndpoint.id);
    expect(delivery).toMatchObject({ eventType: 'connection.initiated', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery!.eventId]));
    expect(receiver.verified(secret)).toHaveLength(3);

    await app.gql(DELETE, { id: webhookEndpoint.id });
    await receiver.close();
  });

  it("says whose account it was when the account is deleted, though the account is gone", async () => {
    const receiver = await WebhookReceiver.start();
    const { webhookEndpoint, secret } = await createEndpoint(app, {
      url: receiver.url(),
      eventTypes: ['connection.initiated', 'connection.deleted'],
    });
    const { connectedAccount } = await initiate(app, 'u_gone');
    await waitFor(() => expect(receiver.received).toHaveLength(1));
    const deleted = await app.gql(`mutation($id: ID!) { deleteConnectedAccount(input: { id: $id }) { deletedConnectedAccountId } }`, {
      id: connectedAccount.id,
    });
    expect(deleted.errors).toBeUndefined();
    await waitFor(() => expect(receiver.received).toHaveLength(2));

    // An earlier event replayed after the deletion says it too.
    const initiated = (await deliveriesOf(app, webhookEndpoint.id)).find((d) => d.eventType === 'connection.initiated')!;
    await app.gql(`mutation($id: ID!) { retryWebhookDelivery(input: { id: $id }) { webhookDelivery { id } } }`, { id: initiated.id });
    await waitFor(() => expect(receiver.received).toHaveLength(3));

    const owner = { userId: 'u_gone', alias: null, toolkit: 'openai' };
    expect(receiver.verified(secret).slice(1)).toMatchObject([
      { type: 'connection.deleted', data: { connectedAccountId: connectedAccount.id, statusReason: 'DELETED', ...owner } },
      { type: 'connection.initiated', data: { connectedAccountId: connectedAccount.id, ...owner } },
    ]);
    await app.gql(DELETE, { id: webhookEndpoint.id });
    await receiver.close();
  });

  it('gives up on 410 at once, and on redirects, timeouts and 5xx when the schedule is used up', async () => {
    const receivers = {
      gone: await WebhookReceiver.start(0, () => 410),
      redirect: await WebhookReceiver.start(0, () => 302),
      hang: await WebhookReceiver.start(0, () => new Promise<number>(() => undefined)),
      broken: await WebhookReceiver.start(0, () => 500),
    };
    const endpoints = Object.fromEntries(
      await Promise.all(
        Object.entries(receivers).map(async ([name, r]) => [name, (await createEndpoint(app, { url: r.url() })).webhookEndpoint.id] as const),
      ),
    );
    await initiate(app, 'u_failures');

    const final = async (name: string) => (await deliveriesOf(app, endpoints[name]!))[0];
    await waitFor(async () => {
      for (const name of Object.keys(receivers)) expect(await final(name)).toMatchObject({ status: 'FAILED' });
    });
    expect(await final('gone')).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'HTTP 410', nextAttemptAt: null });
    expect(await final('redirect')).toMatchObject({ attempts: 4, lastStatusCode: 302, lastError: 'HTTP 302: redirects are not followed' });
    expect(await final('hang')).toMatchObject({ attempts: 4, lastStatusCode: null, lastError: NO_ANSWER_ERROR });
    expect(await final('broken')).toMatchObject({ attempts: 4, lastStatusCode: 500, lastError: 'HTTP 500' });

    for (const id of Object.values(endpoints)) await app.gql(DELETE, { id });
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  });

  it("keeps each project's events and endpoints to itself", async () => {
    const other = await app.database.prisma.project.create({ data: { name: 'Other' } });
    const otherKey = generateApiKey();
    await storeApiKey(app.database.prisma, other.id, otherKey, 'test');
    const mine = await WebhookReceiver.start();
    const theirs = await WebhookReceiver.start();
    const myEndpoint = await createEndpoint(app, { url: mine.url() });
    const theirEndpoint = await createEndpoint(app, { url: theirs.url() }, otherKey);

    await initiate(app, 'u_tenant');
    await waitFor(() => expect(mine.received).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(theirs.received).toHaveLength(0);

    const id = myEndpoint.webhookEndpoint.id;
    expect((await app.gql(DELIVERIES, { id }, otherKey)).data!.node).toBeNull();
    const [delivery] = await deliveriesOf(app, id);
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: delivery!.id }, otherKey)).data!.node).toBeNull();
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: delivery!.id })).data!.node).toEqual({ id: delivery!.id });
    const retry = await app.gql(`mutation($id: ID!) { retryWebhookDelivery(input: { id: $id }) { webhookDelivery { id } } }`, { id: delivery!.id }, otherKey);
    expect(retry.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const rotate = await app.gql(`mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret } }`, { id }, otherKey);
    expect(rotate.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const update = await app.gql(`mutation($id: ID!) { updateWebhookEndpoint(input: { id: $id, enabled: false }) { webhookEndpoint { id } } }`, { id }, otherKey);
    expect(update.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.gql(DELETE, { id }, otherKey)).errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const theirList = await app.gql(`{ webhookEndpoints(first: 10) { edges { node { id } } } }`, {}, otherKey);
    expect(theirList.data!.webhookEndpoints.edges).toEqual([{ node: { id: theirEndpoint.webhookEndpoint.id } }]);
    const { clientToken } = await startSession(app, 'u_token');
    expect((await app.gql(`{ webhookEndpoints(first: 1) { edges { node { id } } } }`, {}, clientToken)).errors![0]!.extensions).toMatchObject({
      code: 'FORBIDDEN',
    });

    await app.gql(DELETE, { id });
    await Promise.all([mine.close(), theirs.close()]);
  });

  it('validates URLs and event types', async () => {
    const bad = async (input: Record<string, unknown>) => (await app.gql(CREATE, { input })).errors![0]!.extensions;
    expect(await bad({ url: 'http://hooks.example.com/x' })).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'url' }] });
    expect(await bad({ url: 'https://user:pw@hooks.example.com/x' })).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'url' }] });
    expect(await bad({ url: 'https://hooks.example.com/x', eventTypes: ['connection.bogus'] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'eventTypes.0' }],
    });
    const ok = await createEndpoint(app, { url: 'https://hooks.example.com/x', eventTypes: ['connection.active', 'connection.active'] });
    const updated = await app.gql(
      `mutation($id: ID!) { updateWebhookEndpoint(input: { id: $id, url: "http://localhost:9/h", description: "dev", enabled: false }) { webhookEndpoint { url description enabled eventTypes } } }`,
      { id: ok.webhookEndpoint.id },
    );
    expect(updated.data!.updateWebhookEndpoint.webhookEndpoint).toEqual({
      url: 'http://localhost:9/h',
      description: 'dev',
      enabled: false,
      eventTypes: ['connection.active'],
    });
    const deleted = await app.gql(DELETE, { id: ok.webhookEndpoint.id });
    expect(deleted.data!.deleteWebhookEndpoint.deletedWebhookEndpointId).toBe(ok.webhookEndpoint.id);
  });
});

describe('webhooks (PostgreSQL)', () => {
  it('delivers what was pending when the server stopped, after a restart', async () => {
    const db = await createPostgresDatabase();
    try {
      // A port with nobody listening yet: the receiver comes up only after the restart.
      const probe = await WebhookReceiver.start();
      const port = probe.port;
      await probe.close();

      const first = await startTestApp(db, {}, { sweepIntervalMs: 50, webhookDelivery: { retryDelaysMs: Array(10).fill(200), jitter: 0 } });
      const { webhookEndpoint, secret } = await createEndpoint(first, { url: `http://127.0.0.1:${port}/hooks` });
      await initiate(first, 'u_restart');
      // attempts counts an attempt when it is claimed; its error is written when it fails.
      await waitFor(async () =>
        expect((await deliveriesOf(first, webhookEndpoint.id))[0]).toMatchObject({ status: 'PENDING', lastError: NO_ANSWER_ERROR }),
      );
      await first.stop();

      const receiver = await WebhookReceiver.start(port);
      const second = await startTestApp(db, {}, { sweepIntervalMs: 50 });
      try {
        await waitFor(() => expect(receiver.received).toHaveLength(1));
        expect(receiver.verified(secret)[0]).toMatchObject({ type: 'connection.initiated', data: { userId: 'u_restart' } });
        await waitFor(async () => expect((await deliveriesOf(second, webhookEndpoint.id))[0]).toMatchObject({ status: 'DELIVERED' }));
      } finally {
        await second.stop();
        await receiver.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('shares the work between instances without delivering an event twice', async () => {
    const db = await createPostgresDatabase();
    const receiver = await WebhookReceiver.start();
    const apps: TestApp[] = [];
    try {
      apps.push(await startTestApp(db, {}, { sweepIntervalMs: 20 }));
      apps.push(await startTestApp(db, {}, { sweepIntervalMs: 20 }));
      const { secret } = await createEndpoint(apps[0]!, { url: receiver.url() });
      await Promise.all(Array.from({ length: 12 }, (_, i) => initiate(apps[i % 2]!, `u_${i}`)));
      await waitFor(() => expect(receiver.received).toHaveLength(12));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = receiver.verified(secret).map((p) => p.data.id);
      expect(new Set(ids).size).toBe(12);
      expect(receiver.received).toHaveLength(12);
    } finally {
      for (const app of apps) await app.stop();
      await receiver.close();
      await db.drop();
    }
  });
});
