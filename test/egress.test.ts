import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { EGRESS_REFUSED_ERROR } from '../src/domain/events/webhook-delivery.js';
import { createEgress, isEgressRefusal } from '../src/egress/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, makeDue } from './support/accounts.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 15_000, interval: 25 });

/** What a fetch through the policy ends in: the status reached, or why not. */
async function outcome(egress: ReturnType<typeof createEgress>, url: string): Promise<number | 'refused' | 'failed'> {
  try {
    const response = await egress.fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return isEgressRefusal(error) ? 'refused' : 'failed';
  }
}

describe('egress policy', () => {
  it('refuses private, loopback, link-local, metadata and reserved addresses unless allowed', () => {
    const { policy } = createEgress({ cidrs: [], hosts: [] });
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1']) {
      expect(policy.allowsAddress(address), address).toBe(false);
    }
    for (const address of ['::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254']) {
      expect(policy.allowsAddress(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111']) {
      expect(policy.allowsAddress(address), address).toBe(true);
    }
    for (const host of ['localhost', 'api.localhost', 'metadata.google.internal', '127.0.0.1', '[::1]', '169.254.169.254']) {
      expect(policy.refusesUrlHost(host), host).toBe(true);
    }
    expect(policy.refusesUrlHost('api.example.com')).toBe(false);

    const allowed = createEgress({ cidrs: ['127.0.0.0/8', '10.20.0.0/16'], hosts: ['idp.corp.internal'] }).policy;
    expect(allowed.allowsAddress('127.0.0.1')).toBe(true);
    expect(allowed.allowsAddress('::ffff:127.0.0.1')).toBe(true);
    expect(allowed.allowsAddress('10.20.5.5')).toBe(true);
    expect(allowed.allowsAddress('10.21.0.1')).toBe(false);
    expect(allowed.allowsAddress('169.254.169.254')).toBe(false);
    expect(allowed.refusesUrlHost('localhost')).toBe(false);
    expect(allowed.refusesUrlHost('IDP.corp.internal')).toBe(false);
  });

  it('reads EGRESS_ALLOW_PRIVATE, naming what is wrong', () => {
    expect(loadConfig({ EGRESS_ALLOW_PRIVATE: '127.0.0.0/8, fd00::/8 ,idp.corp.internal' }).egressAllowPrivate).toEqual({
      cidrs: ['127.0.0.0/8', 'fd00::/8'],
      hosts: ['idp.corp.internal'],
    });
    expect(loadConfig({}).egressAllowPrivate).toEqual({ cidrs: [], hosts: [] });
    expect(() => loadConfig({ EGRESS_ALLOW_PRIVATE: '10.0.0.0/33' })).toThrow(
      'Invalid environment variable EGRESS_ALLOW_PRIVATE: not a CIDR, address or host name: 10.0.0.0/33',
    );
    expect(() => loadConfig({ EGRESS_ALLOW_PRIVATE: 'http://idp' })).toThrow('Invalid environment variable EGRESS_ALLOW_PRIVATE');
  });

  it('checks the addresses a name resolves to when connecting, and connects only to those', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const closed = createEgress({ cidrs: [], hosts: [] });
      expect(await outcome(closed, `http://localhost:${receiver.port}/hooks`)).toBe('refused');
      expect(await outcome(closed, `http://127.0.0.1:${receiver.port}/hooks`)).toBe('refused');
      expect(await outcome(closed, `http://[::ffff:127.0.0.1]:${receiver.port}/hooks`)).toBe('refused');
      expect(await outcome(closed, 'http://169.254.169.254/latest/meta-data/')).toBe('refused');
      expect(await outcome(closed, `https://0.0.0.0:${receiver.port}/`)).toBe('refused');
      expect(receiver.received).toHaveLength(0);

      expect(await outcome(createEgress({ cidrs: ['127.0.0.0/8'], hosts: [] }), `http://localhost:${receiver.port}/hooks`)).toBe(200);
      expect(await outcome(createEgress({ cidrs: [], hosts: ['localhost'] }), `http://localhost:${receiver.port}/hooks`)).toBe(200);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });
});

describe('outbound requests of a server that allows no private address (PostgreSQL, two instances)', () => {
  let database: TestDatabase;
  // `open` allows loopback (where the tests' provider and receivers run); `closed` is the default.
  let open: TestApp;
  let closed: TestApp;
  let provider: OAuthProvider;
  let redirectUri: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    open = await startTestApp(database, {}, { sweepIntervalMs: 60_000 });
    closed = await startTestApp(database, { EGRESS_ALLOW_PRIVATE: '', PUBLIC_URL: open.publicUrl }, { sweepIntervalMs: 60_000 });
    ({ provider, redirectUri } = await setUpOAuthToolkit(open));
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), closed?.stop()]);
    await provider?.close();
    await database?.drop();
  });

  const CREATE_WEBHOOK = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { id } } }`;

  it('refuses private webhook and toolkit URLs at input', async () => {
    for (const url of [
      'http://127.0.0.1:9/hooks',
      'http://localhost:9/hooks',
      'https://169.254.169.254/latest/meta-data/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://10.0.0.5/hooks',
      'https://[::1]/hooks',
      'https://[fd00::1]/hooks',
      'https://0.0.0.0/hooks',
    ]) {
      const result = await closed.gql(CREATE_WEBHOOK, { input: { url } });
      expect(result.errors?.[0]?.extensions, url).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'url' }] });
      expect(result.errors![0]!.message).toContain('EGRESS_ALLOW_PRIVATE');
    }
    const toolkit = await closed.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
      input: {
        slug: 'internal-idp',
        name: 'Internal IdP',
        authScheme: 'OAUTH2',
        oauth2: { authorizeUrl: 'https://idp.example.com/authorize', tokenUrl: 'http://127.0.0.1:9/token', scopes: ['openid'] },
      },
    });
    expect(toolkit.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'oauth2.tokenUrl' }] });

    const endpoint = await closed.gql(CREATE_WEBHOOK, { input: { url: 'https://hooks.example.com/connect' } });
    expect(endpoint.errors).toBeUndefined();
    const moved = await closed.gql(
      `mutation($id: ID!) { updateWebhookEndpoint(input: { id: $id, url: "https://169.254.169.254/latest" }) { webhookEndpoint { url } } }`,
      { id: endpoint.data!.createWebhookEndpoint.webhookEndpoint.id },
    );
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'url' }] });

    // The same URLs are fine where the operator allowed loopback.
    expect((await open.gql(CREATE_WEBHOOK, { input: { url: 'http://127.0.0.1:9/hooks' } })).errors).toBeUndefined();
  });

  it('refuses a URL field value that makes a toolkit URL private', async () => {
    const created = await closed.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
      input: {
        slug: 'tenant-host',
        name: 'Tenant host',
        authScheme: 'OAUTH2',
        oauth2: { authorizeUrl: 'https://[host]/authorize', tokenUrl: 'https://[host]/token', scopes: ['openid'] },
        fields: [{ name: 'host', label: 'Host', secret: false }],
      },
    });
    expect(created.errors).toBeUndefined();
    const config = await closed.gql(
      `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`,
      {
        input: {
          toolkit: 'tenant-host',
          name: 'metadata',
          credentials: { clientId: 'id', clientSecret: 'secret' },
          fieldValues: [{ name: 'host', value: '169.254.169.254' }],
        },
      },
    );
    expect(config.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a webhook whose host name resolves to a private address, when delivering', async () => {
    const name = hostname();
    // This machine's own name resolves to one of its (loopback or private) addresses.
    expect(createEgress({ cidrs: [], hosts: [] }).policy.allowsAddress((await lookup(name)).address)).toBe(false);
    const receiver = await WebhookReceiver.start();
    try {
      const created = await closed.gql(CREATE_WEBHOOK, { input: { url: `https://${name}:${receiver.port}/hooks` } });
      expect(created.errors).toBeUndefined();
      const endpointId = rawId(created.data!.createWebhookEndpoint.webhookEndpoint.id);
      const { clientToken, session } = await startSession(closed, 'u_webhook', ['openai']);
      await authorizeLink(closed, clientToken, { sessionId: session.id, toolkit: 'openai' });
      await waitFor(async () => {
        const [delivery] = await closed.database.prisma.webhookDelivery.findMany({ where: { endpointId } });
        expect(delivery).toMatchObject({ status: 'PENDING', lastStatusCode: null, lastError: EGRESS_REFUSED_ERROR });
      });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it('does not exchange the code at a loopback token endpoint', async () => {
    const { session, clientToken } = await startSession(open, 'u_exchange', ['acme']);
    const { connectLink, connectedAccount } = await authorizeLink(open, clientToken, { sessionId: session.id, toolkit: 'acme' });
    const browser = new Browser();
    const start = await clickConnect(browser, connectLink.url);
    const { url } = await browser.navigate(start, { stopAt: [redirectUri] });
    const before = provider.tokenRequests().authorization_code ?? 0;
    // The callback lands on the instance that may not reach the provider.
    await browser.request(url.replace(open.publicUrl, `http://localhost:${closed.port}`));
    const row = await closed.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccount.id) } });
    expect(row.status).not.toBe('ACTIVE');
    expect(row.encryptedCredentials).toBeNull();
    // What the account and its events say names no host or port of the refused connection.
    const events = await closed.database.prisma.connectionEvent.findMany({ where: { connectedAccountId: row.id } });
    const said = JSON.stringify([row.statusReason, row.lastRefreshError, events.map((e) => e.statusReason)]);
    expect(said).not.toContain('127.0.0.1');
    expect(said).not.toContain(new URL(provider.issuer).port);
    expect(provider.tokenRequests().authorization_code ?? 0).toBe(before);
  });

  it('does not refresh or revoke at a loopback token endpoint', async () => {
    const account = await connectOAuthAccount(open, 'u_refresh');
    const before = provider.tokenRequests();
    await makeDue(open, account.id);
    const issued = await closed.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
    // The current token is still valid, so it is handed out while the refresh is retried.
    expect(issued.errors).toBeUndefined();
    const row = await closed.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ status: 'ACTIVE', refreshAttempts: 1, lastRefreshError: 'network: egress_refused' });
    expect(provider.tokenRequests()).toEqual(before);

    const revoked = await closed.gql(
      `mutation($id: ID!) { revokeConnectedAccount(input: { id: $id }) { connectedAccount { status statusReason } } }`,
      { id: account.globalId },
    );
    expect(revoked.data?.revokeConnectedAccount.connectedAccount).toEqual({ status: 'REVOKED', statusReason: 'REVOKED' });
  });
});
