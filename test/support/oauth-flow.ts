import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { Browser } from './browser.js';
import { startOAuthProvider, type OAuthProvider, type OAuthProviderOptions } from './oauth-provider.js';

export const CLIENT = { clientId: 'connect-test-client', clientSecret: 'connect-test-secret-0123456789' };

/**
 * A real OAuth server (oidc-provider) and, on the app, a custom toolkit `acme` pointing at it
 * plus an auth config with its client. Returns the provider and the auth config's redirect URI.
 */
export async function setUpOAuthToolkit(
  app: TestApp,
  options: Partial<OAuthProviderOptions> = {},
  slug = 'acme',
): Promise<{ provider: OAuthProvider; redirectUri: string }> {
  const redirectUri = `${app.publicUrl}/connect/oauth2/callback`;
  const provider = await startOAuthProvider({
    clients: [{ ...CLIENT, redirectUris: [redirectUri] }],
    scopes: ['contacts.read'],
    ...options,
  });
  const toolkit = await app.gql(
    `mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`,
    {
      input: {
        slug,
        name: 'Acme CRM',
        authScheme: 'OAUTH2',
        oauth2: {
          authorizeUrl: provider.authorizeUrl,
          tokenUrl: provider.tokenUrl,
          revokeUrl: provider.revokeUrl,
          userInfoUrl: provider.userInfoUrl,
          scopes: ['openid', 'offline_access', 'contacts.read'],
        },
      },
    },
  );
  expect(toolkit.errors).toBeUndefined();
  const config = await app.gql(
    `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id redirectUri kind authScheme hasCredentials } } }`,
    { input: { toolkit: slug, name: 'Acme app', credentials: CLIENT } },
  );
  expect(config.errors).toBeUndefined();
  expect(config.data!.createAuthConfig.authConfig).toMatchObject({
    redirectUri,
    kind: 'CUSTOM',
    authScheme: 'OAUTH2',
    hasCredentials: true,
  });
  return { provider, redirectUri };
}

/** Opens the hosted page and clicks Connect: returns where the browser is sent next. */
export async function clickConnect(browser: Browser, linkUrl: string): Promise<string> {
  const page = await browser.request(linkUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('data-testid="connect-button"');
  const form = Browser.parseForm(html, linkUrl);
  const started = await browser.request(form.action, { method: 'POST', form: form.fields, initiator: linkUrl });
  expect(started.status).toBe(303);
  return new URL(started.headers.get('location')!, linkUrl).toString();
}
