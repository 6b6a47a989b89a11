import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { Browser } from './browser.js';
import { startOAuthProvider, type OAuthProvider, type OAuthProviderOptions } from './oauth-provider.js';

export const CLIENT = { clientId: 'connect-test-client', clientSecret: 'connect-test-secret-0123456789' };

/**
 * A real OAuth server (oidc-provider) and, on the app, a custom toolkit `acme` pointing at it
 * plus an auth config with its client. Returns the provider and the auth config's redirect URI
 * (registered at the provider once the app has named it).
 */
export async function setUpOAuthToolkit(
  app: TestApp,
  options: Partial<OAuthProviderOptions> = {},
  slug = 'acme',
  oauth2Extras: Record<string, unknown> = {},
): Promise<{ provider: OAuthProvider; redirectUri: string }> {
  // The app names the redirect URI (the toolkit's own path) once the toolkit exists; the provider
  // reads its clients on its first request, after that.
  const redirectUris: string[] = [];
  const provider = await startOAuthProvider({
    clients: [{ ...CLIENT, redirectUris }],
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
          ...oauth2Extras,
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
  const redirectUri: string = config.data!.createAuthConfig.authConfig.redirectUri;
  expect(redirectUri.startsWith(`${app.publicUrl}/connect/`)).toBe(true);
  redirectUris.push(redirectUri);
  expect(config.data!.createAuthConfig.authConfig).toMatchObject({
    kind: 'CUSTOM',
    authScheme: 'OAUTH2',
    hasCredentials: true,
  });
  return { provider, redirectUri };
}

/**
 * A provider that serves its endpoints under `/t/acme` only, and a custom toolkit `tenanted`
 * whose URLs say `/t/[tenant]`, with an auth config that leaves the tenant to the end user.
 */
export async function setUpTenantedToolkit(app: TestApp): Promise<{ provider: OAuthProvider }> {
  const redirectUris: string[] = [];
  const provider = await startOAuthProvider({ clients: [{ ...CLIENT, redirectUris }], tenant: 'acme' });
  const tenantUrl = (url: string) => url.replace('/t/acme/', '/t/[tenant]/');
  const created = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
    input: {
      slug: 'tenanted',
      name: 'Tenanted CRM',
      authScheme: 'OAUTH2',
      oauth2: {
        authorizeUrl: tenantUrl(provider.authorizeUrl),
        tokenUrl: tenantUrl(provider.tokenUrl),
        revokeUrl: tenantUrl(provider.revokeUrl),
        scopes: ['openid', 'offline_access'],
      },
      fields: [{ name: 'tenant', label: 'Workspace', secret: false, pattern: '^[a-z][a-z0-9-]*$' }],
    },
  });
  expect(created.errors).toBeUndefined();
  const config = await app.gql(
    `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id redirectUri } } }`,
    { input: { toolkit: 'tenanted', name: 'Tenanted app', credentials: CLIENT } },
  );
  expect(config.errors).toBeUndefined();
  redirectUris.push(config.data!.createAuthConfig.authConfig.redirectUri);
  return { provider };
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
