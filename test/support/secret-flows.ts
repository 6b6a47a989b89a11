import { expect } from 'vitest';
import { TEST_ADMIN_KEY, type TestApp } from './app.js';
import { Browser } from './browser.js';
import { authorizeLink, CALLBACK_ORIGIN, rawId, startSession } from './connect.js';
import { CLIENT, clickConnect, setUpOAuthToolkit } from './oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './ws.js';

/** An OpenAI-shaped key typed into the hosted form. */
export const TYPED_API_KEY = 'sk-proj-typedIntoTheForm0123456789abcdefXYZ';

/** Every secret the flows handled, by name, for the scanners to look for. */
export type Secrets = Record<string, string>;

/**
 * Runs what handles secrets end to end: the OAuth flow against a real provider (client secret,
 * code, tokens), the hosted API-key form, session client tokens over HTTP and WebSocket, an API
 * key's life (create, use, revoke, refused), and failing operations. Returns the secrets seen.
 */
export async function runSecretBearingFlows(app: TestApp): Promise<{ secrets: Secrets; close(): Promise<void> }> {
  const secrets: Secrets = { adminApiKey: TEST_ADMIN_KEY, clientSecret: CLIENT.clientSecret, typedApiKey: TYPED_API_KEY };
  const { provider } = await setUpOAuthToolkit(app, { accessTokenTtlSeconds: 600 });

  // OAuth: the chat subscribes with the session client token, the user consents.
  const oauth = await startSession(app, 'u_secrets', ['acme', 'openai']);
  secrets.sessionClientToken = oauth.clientToken;
  const link = await authorizeLink(app, oauth.clientToken, {
    sessionId: oauth.session.id,
    toolkit: 'acme',
    callbackUrl: `${CALLBACK_ORIGIN}/done`,
  });
  secrets.oauthLinkToken = link.connectLink.url.split('/link/')[1]!;
  const status = subscribe(wsClient(app.port, oauth.clientToken), CONNECTION_STATUS, { connectLinkId: link.connectLink.id });
  expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');
  const browser = new Browser();
  const { url } = await browser.navigate(await clickConnect(browser, link.connectLink.url), { stopAt: [CALLBACK_ORIGIN] });
  expect(new URL(url).searchParams.get('status')).toBe('success');
  expect((await status.next()).data.connectionStatus.status).toBe('ACTIVE');
  await status.close();
  const account = await app.database.prisma.connectedAccount.findUniqueOrThrow({
    where: { id: rawId(link.connectedAccount.id) },
  });
  const tokens = app.deps.keyRing.decryptJson<Record<string, string>>(account.encryptedCredentials!, account.id);
  secrets.accessToken = tokens.accessToken!;
  secrets.refreshToken = tokens.refreshToken!;
  if (tokens.idToken) secrets.idToken = tokens.idToken;

  // The hosted form of an API-key toolkit, with the same session.
  const form = await authorizeLink(app, oauth.clientToken, { sessionId: oauth.session.id, toolkit: 'openai' });
  secrets.formLinkToken = form.connectLink.url.split('/link/')[1]!;
  const page = await browser.request(form.connectLink.url);
  const parsed = Browser.parseForm(await page.text(), form.connectLink.url);
  const rejected = await browser.request(parsed.action, { method: 'POST', form: { ...parsed.fields, apiKey: `${TYPED_API_KEY}!` } });
  expect(rejected.status).toBe(422);
  const done = await browser.request(parsed.action, { method: 'POST', form: { ...parsed.fields, apiKey: TYPED_API_KEY } });
  expect(done.status).toBe(200);
  // Used links, unknown links and foreign callbacks answer with their pages.
  expect((await browser.request(form.connectLink.url)).status).toBe(410);
  expect((await new Browser().request(`${app.url}/connect/oauth2/callback?code=stolen&state=x`)).status).toBe(400);

  // An API key's life.
  const created = await app.gql(`mutation { createApiKey(input: { name: "flows" }) { key apiKey { id } } }`);
  expect(created.errors).toBeUndefined();
  const { key, apiKey } = created.data!.createApiKey;
  secrets.createdApiKey = key;
  expect((await app.gql('{ apiKeys(first: 10) { edges { node { prefix } } } }', {}, key)).errors).toBeUndefined();
  const revoked = await app.gql(`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }`, { id: apiKey.id });
  expect(revoked.errors).toBeUndefined();

  // Failing operations, each carrying a secret somewhere.
  expect((await app.gql('{ project { id } }', {}, key)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  const badSecret = 'bad-input-client-secret-0123456789';
  secrets.failedInputSecret = badSecret;
  const failed = await app.gql(
    `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`,
    { input: { toolkit: 'no-such-toolkit', name: 'x', credentials: { clientId: 'id', clientSecret: badSecret } } },
  );
  expect(failed.errors).toBeDefined();
  expect((await app.gql(`{ project { id ${'x'.repeat(3)} `, { token: key })).errors).toBeDefined();

  return { secrets, close: () => provider.close() };
}

/**
 * Which secrets occur in `text`, as they are or in the encodings they would travel in (URL
 * encoding; base64, e.g. inside an HTTP Basic header with the client id).
 */
export function findSecrets(text: string, secrets: Secrets): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    const forms = [
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(`${CLIENT.clientId}:${secret}`).toString('base64'),
    ];
    if (forms.some((form) => text.includes(form))) found.push(name);
  }
  return found;
}
