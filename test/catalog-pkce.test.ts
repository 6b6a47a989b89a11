import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { AUTHORIZE, CREATE_SESSION } from './support/connect.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';

const oauth2 = loadCatalog().filter((toolkit) => toolkit.oauth?.version === 2);

/**
 * Every OAuth 2 toolkit of the catalog, run through the real flow (authorize, the hosted page's
 * Connect, grant's redirect) up to the provider's authorization URL: what the browser is sent to
 * must carry an S256 code challenge, unless the catalog entry names why its provider refuses PKCE.
 */
describe('PKCE over the whole catalog', () => {
  let database: TestDatabase;
  let app: TestApp;
  const challenges = new Map<string, { method: string | null; challenge: string | null }>();

  beforeAll(async () => {
    // Some six thousand queries: on PostgreSQL they take about three quarters of the CPU they
    // take on the embedded database, and part of it in PostgreSQL's processes, not this one.
    database = await createPostgresDatabase();
    // Hundreds of page loads from one address in a minute: more than the hosted routes allow by default.
    app = await startTestApp(database, { RATE_LIMIT_LINK_PER_MINUTE: '10000', RATE_LIMIT_CONNECT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  /** A project app for the toolkit; URL fields (e.g. the Okta subdomain, a server host) are set on it. */
  async function createConfig(entry: (typeof oauth2)[number]): Promise<string> {
    const fieldValues = entry.fields
      .filter((field) => !field.secret && field.placeholder && !field.authSchemes)
      .map((field) => ({ name: field.name, value: field.placeholder! }));
    const created = await app.gql(
      `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`,
      {
        input: {
          toolkit: entry.slug,
          name: `${entry.slug} app`,
          authScheme: 'OAUTH2',
          credentials: { clientId: `${entry.slug}-client`, clientSecret: `${entry.slug}-secret` },
          fieldValues,
        },
      },
    );
    expect(created.errors, entry.slug).toBeUndefined();
    return created.data!.createAuthConfig.authConfig.id;
  }

  /** Where the browser is sent after clicking Connect on the link's page. */
  async function providerRedirect(sessionId: string, entry: (typeof oauth2)[number]): Promise<URL> {
    const authConfigId = await createConfig(entry);
    const authorized = await app.gql(AUTHORIZE, { input: { sessionId, toolkit: entry.slug, authConfigId } });
    expect(authorized.errors, entry.slug).toBeUndefined();
    const linkUrl: string = authorized.data!.authorize.connectLink.url;
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(linkUrl)).text(), linkUrl);
    const connect = await browser.request(form.action, { method: 'POST', form: form.fields });
    expect(connect.status, entry.slug).toBe(303);
    const dance = new URL(connect.headers.get('location')!, linkUrl).href;
    const toProvider = await browser.request(dance);
    const location = toProvider.headers.get('location');
    expect(location, `${entry.slug}: ${toProvider.status}`).toBeTruthy();
    return new URL(location!);
  }

  it(`sends an S256 code challenge for each of the ${oauth2.length} OAuth 2 toolkits without a named opt-out`, async () => {
    const created = await app.gql(CREATE_SESSION, { input: { userId: 'u_pkce', expiresInSeconds: 3600 } });
    const sessionId: string = created.data!.createSession.session.id;
    // A few flows at a time: each waits mostly on the server.
    const queue = [...oauth2];
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const url = await providerRedirect(sessionId, entry);
        challenges.set(entry.slug, { method: url.searchParams.get('code_challenge_method'), challenge: url.searchParams.get('code_challenge') });
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    const wrong: string[] = [];
    for (const entry of oauth2) {
      const { method, challenge } = challenges.get(entry.slug)!;
      const optedOut = entry.oauth!.pkceOptOut !== undefined;
      if (optedOut && (method !== null || challenge !== null)) wrong.push(`${entry.slug}: sends PKCE despite its opt-out`);
      if (!optedOut && (method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge ?? ''))) {
        wrong.push(`${entry.slug}: code_challenge_method=${method}`);
      }
    }
    expect(wrong).toEqual([]);
    // The opt-outs stay few, and each says why.
    const optOuts = oauth2.filter((entry) => entry.oauth!.pkceOptOut !== undefined);
    expect(optOuts.length).toBeLessThanOrEqual(oauth2.length / 10);
    for (const entry of optOuts) expect(entry.oauth!.pkceOptOut!.length, entry.slug).toBeGreaterThan(20);
  }, 600_000);
});
