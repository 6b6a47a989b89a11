import { describe, expect, it } from 'vitest';
import { grantApiBases, grantProvidersWithoutApi } from '../src/catalog/grant-api-bases.js';
import {
  apiAccessFor,
  credentialPlaceholders,
  grantProviders,
  loadCatalog,
  slugFromGrantKey,
  urlPlaceholders,
  type ApiAuth,
  type CatalogToolkit,
} from '../src/catalog/index.js';
import { oauthOverrides } from '../src/catalog/oauth-overrides.js';
import { oauthToolkits } from '../src/catalog/oauth-toolkits.js';

const catalog = loadCatalog();
const bySlug = new Map(catalog.map((toolkit) => [toolkit.slug, toolkit]));

function toolkit(slug: string): CatalogToolkit {
  const found = bySlug.get(slug);
  if (!found) throw new Error(`no toolkit ${slug}`);
  return found;
}

const oauth2 = catalog.filter((t) => t.oauth?.version === 2);
const pkceOn = oauth2.filter((t) => t.oauth?.pkce);
const optedOut = oauth2.filter((t) => !t.oauth?.pkce);
const withApiBase = catalog.filter((t) => t.apiBaseUrl ?? t.oauth?.apiBaseUrl);
const withIdentity = catalog.filter((t) => t.identity);

/** The PKCE opt-outs, each backed by evidence named in oauth-overrides.ts / oauth-toolkits.ts. */
const expectedOptOuts = [
  'autodesk',
  'constantcontact',
  'facebook',
  'linkedin',
  'pipedrive',
  'slack',
  'snapchat',
  'square',
  'surveymonkey',
  'timelyapp',
  'trustpilot',
  'typeform',
  'vend',
];

describe(`PKCE: on for ${pkceOn.length} of ${oauth2.length} OAuth 2 toolkits, off for ${optedOut.length}`, () => {
  it('is on for every OAuth 2 toolkit that does not name a reason to opt out', () => {
    for (const entry of oauth2) {
      expect(entry.oauth?.pkce, entry.slug).toBe(entry.oauth?.pkceOptOut === undefined);
    }
    for (const entry of catalog.filter((t) => t.oauth?.version === 1)) expect(entry.oauth?.pkce).toBe(false);
    expect(pkceOn.length).toBeGreaterThanOrEqual(190);
  });

  it('is off exactly for the providers with evidence that they reject it, each with its reason', () => {
    expect(optedOut.map((t) => t.slug)).toEqual(expectedOptOuts);
    for (const entry of optedOut) expect(entry.oauth?.pkceOptOut?.length, entry.slug).toBeGreaterThan(20);
  });

  it('stays on where the provider documents support although Nango turns it off', () => {
    for (const slug of ['microsoft', 'outlook', 'onedrive', 'microsoftteams', 'linear', 'figma']) expect(toolkit(slug).oauth?.pkce).toBe(true);
  });
});

describe('audited providers', () => {
  it('Google and its products: offline access, consent, incremental scopes, issuer, userinfo identity', () => {
    for (const slug of ['google', 'gmail', 'googlecalendar', 'googledrive', 'googlesheets', 'googledocs']) {
      const entry = toolkit(slug);
      expect(entry.oauth, slug).toMatchObject({
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        issuer: 'https://accounts.google.com',
        revokeUrl: 'https://oauth2.googleapis.com/revoke',
        pkce: true,
        authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
      });
      expect(entry.identity).toMatchObject({ from: 'endpoint', url: 'https://openidconnect.googleapis.com/v1/userinfo', id: 'sub' });
      expect(entry.apiBaseUrl).toMatch(/^https:\/\/[a-z]+\.googleapis\.com/);
    }
    expect(toolkit('gmail').oauth?.defaultScopes).toEqual(
      expect.arrayContaining(['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send']),
    );
    expect(toolkit('gmail').oauth?.defaultScopes).not.toContain('https://mail.google.com/');
    expect(toolkit('googledrive').oauth?.defaultScopes).toContain('https://www.googleapis.com/auth/drive.file');
    expect(toolkit('gmail').apiBaseUrl).toBe('https://gmail.googleapis.com/gmail/v1');
  });

  it('Microsoft Graph toolkits: common v2 endpoints, offline_access + OIDC scopes, /me identity, Graph v1.0', () => {
    for (const slug of ['microsoft', 'outlook', 'onedrive', 'microsoftteams']) {
      const entry = toolkit(slug);
      expect(entry.oauth, slug).toMatchObject({
        authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
        tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      });
      expect(entry.oauth?.defaultScopes).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'User.Read']));
      expect(entry.identity).toMatchObject({ url: 'https://graph.microsoft.com/v1.0/me', id: 'id', email: 'mail|userPrincipalName' });
      expect(entry.apiBaseUrl).toBe('https://graph.microsoft.com/v1.0');
    }
    expect(toolkit('outlook').oauth?.defaultScopes).toEqual(expect.arrayContaining(['Mail.ReadWrite', 'Mail.Send']));
    expect(toolkit('onedrive').oauth?.defaultScopes).toContain('Files.ReadWrite');
  });

  it('Slack: v2 URLs, comma scopes, separate user scopes, authed_user token paths, PKCE opt-out', () => {
    const slack = toolkit('slack');
    expect(slack.oauth).toMatchObject({
      authorizeUrl: 'https://slack.com/oauth/v2/authorize',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
      scopeDelimiter: ',',
      userScopeParam: 'user_scope',
      tokenResponse: { accessToken: 'authed_user.access_token', refreshToken: 'authed_user.refresh_token' },
      pkce: false,
    });
    expect(slack.apiBaseUrl).toBe('https://slack.com/api');
    expect(apiAccessFor(slack, 'BEARER_TOKEN').auth).toEqual({ headers: { Authorization: 'Bearer {botToken}' } });
  });

  it('GitHub: the merged token field says plainly it is a personal access token and where to create one', () => {
    const github = toolkit('github');
    const pat = github.fields.find((f) => f.name === 'accessToken');
    expect(pat?.label).toMatch(/personal access token/i);
    expect(pat?.description).toMatch(/personal access token/i);
    expect(pat?.description).toContain('https://github.com/settings/personal-access-tokens');
    expect(pat?.authSchemes).toEqual(['BEARER_TOKEN']);
    expect(github.oauth?.pkce).toBe(true);
    expect(github.identity).toMatchObject({ url: 'https://api.github.com/user', name: 'name|login' });
  });

  it('Notion: Basic auth at the token endpoint and Notion-Version on every call, both schemes', () => {
    const notion = toolkit('notion');
    expect(notion.oauth).toMatchObject({ tokenAuthMethod: 'client_secret_basic', authorizeParams: { owner: 'user' } });
    expect(apiAccessFor(notion, 'OAUTH2').auth).toEqual({ headers: { Authorization: 'Bearer {accessToken}', 'Notion-Version': '2022-06-28' } });
    expect(apiAccessFor(notion, 'BEARER_TOKEN').auth).toEqual({
      headers: { Authorization: 'Bearer {integrationToken}', 'Notion-Version': '2022-06-28' },
    });
  });

  it('Atlassian: audience, consent, offline_access, cloud id via metadata; Basic site URL for API tokens', () => {
    for (const slug of ['atlassian', 'jira', 'confluence']) {
      const entry = toolkit(slug);
      expect(entry.oauth?.authorizeParams).toEqual({ audience: 'api.atlassian.com', prompt: 'consent' });
      expect(entry.oauth?.defaultScopes).toContain('offline_access');
      expect(entry.metadata).toContainEqual(
        expect.objectContaining({ field: 'cloudId', url: 'https://api.atlassian.com/oauth/token/accessible-resources', path: '0.id' }),
      );
    }
    const atlassian = toolkit('atlassian');
    expect(apiAccessFor(atlassian, 'OAUTH2').baseUrl).toBe('https://api.atlassian.com/ex/jira/[cloudId]');
    expect(apiAccessFor(atlassian, 'BASIC')).toEqual({ baseUrl: '[siteUrl]', auth: { basic: { username: '{email}', password: '{apiToken}' } } });
    expect(toolkit('jira').apiBaseUrl).toBe('https://api.atlassian.com/ex/jira/[cloudId]/rest/api/3');
  });

  it('Linear, HubSpot, Calendly: hand-written OAuth merged with their API-key forms', () => {
    expect(toolkit('linear').oauth).toMatchObject({ tokenUrl: 'https://api.linear.app/oauth/token', scopeDelimiter: ',', pkce: true });
    expect(toolkit('linear').authSchemes).toEqual(['OAUTH2', 'API_KEY']);
    expect(toolkit('linear').identity).toMatchObject({ method: 'POST', id: 'data.viewer.id' });
    expect(apiAccessFor(toolkit('linear'), 'API_KEY').auth).toEqual({ headers: { Authorization: '{apiKey}' } });
    expect(toolkit('hubspot').oauth).toMatchObject({ authorizeUrl: 'https://app.hubspot.com/oauth/authorize', tokenUrl: 'https://api.hubapi.com/oauth/v1/token' });
    expect(toolkit('hubspot').oauth?.defaultScopes).toContain('oauth');
    expect(toolkit('hubspot').authSchemes).toEqual(['OAUTH2', 'BEARER_TOKEN']);
    expect(toolkit('calendly').oauth).toMatchObject({ revokeUrl: 'https://auth.calendly.com/oauth/revoke', pkce: true });
    expect(toolkit('calendly').apiBaseUrl).toBe('https://api.calendly.com');
  });

  it('Salesforce: refresh_token scope, revoke, instance URL from the token response', () => {
    const salesforce = toolkit('salesforce');
    expect(salesforce.oauth?.defaultScopes).toEqual(expect.arrayContaining(['api', 'refresh_token']));
    expect(salesforce.oauth?.revokeUrl).toBe('https://login.salesforce.com/services/oauth2/revoke');
    expect(salesforce.metadata).toEqual([{ field: 'instanceUrl', path: 'instance_url' }]);
    expect(salesforce.apiBaseUrl).toBe('[instanceUrl]/services/data/v62.0');
  });

  it('Dropbox, Zoom, Discord, Spotify, Figma, Asana, Box', () => {
    expect(toolkit('dropbox').oauth).toMatchObject({ authorizeParams: { token_access_type: 'offline' }, scopeDelimiter: ' ', pkce: true });
    expect(toolkit('dropbox').identity).toMatchObject({ method: 'POST', id: 'account_id' });
    expect(toolkit('zoom').oauth).toMatchObject({ tokenAuthMethod: 'client_secret_basic', revokeUrl: 'https://zoom.us/oauth/revoke' });
    expect(toolkit('zoom').apiBaseUrl).toBe('https://api.zoom.us/v2');
    expect(toolkit('discord').oauth).toMatchObject({ revokeUrl: 'https://discord.com/api/oauth2/token/revoke', pkce: true });
    expect(apiAccessFor(toolkit('discord'), 'BEARER_TOKEN').auth).toEqual({ headers: { Authorization: 'Bot {botToken}' } });
    expect(toolkit('spotify').oauth).toMatchObject({ tokenAuthMethod: 'client_secret_basic', pkce: true });
    expect(toolkit('figma').oauth).toMatchObject({
      tokenUrl: 'https://api.figma.com/v1/oauth/token',
      refreshUrl: 'https://api.figma.com/v1/oauth/refresh',
      tokenAuthMethod: 'client_secret_basic',
    });
    expect(apiAccessFor(toolkit('figma'), 'BEARER_TOKEN').auth).toEqual({ headers: { 'X-Figma-Token': '{accessToken}' } });
    expect(apiAccessFor(toolkit('figma'), 'OAUTH2').auth).toEqual({ headers: { Authorization: 'Bearer {accessToken}' } });
    expect(toolkit('asana').identity).toMatchObject({ id: 'data.gid' });
    expect(toolkit('box').oauth).toMatchObject({ authorizeUrl: 'https://account.box.com/api/oauth2/authorize', revokeUrl: 'https://api.box.com/oauth2/revoke' });
  });

  it('OAuth 1 providers sign their API requests by default', () => {
    expect(apiAccessFor(toolkit('twitter'), 'OAUTH1').auth).toBe('oauth1-signature');
    expect(apiAccessFor(toolkit('openai'), 'API_KEY')).toEqual({ baseUrl: 'https://api.openai.com/v1', auth: { headers: { Authorization: 'Bearer {apiKey}' } } });
    expect(apiAccessFor(toolkit('anthropic'), 'API_KEY').auth).toEqual({
      headers: { 'x-api-key': '{apiKey}', 'anthropic-version': '2023-06-01' },
    });
  });
});

/** Names a template may use: the toolkit's fields and metadata (and, for OAuth templates, the tokens). */
function namesFor(entry: CatalogToolkit): Set<string> {
  return new Set([...entry.fields.map((f) => f.name), ...entry.metadata.map((m) => m.field)]);
}

function templatesOf(auth: ApiAuth | undefined): string[] {
  if (!auth) return [];
  return [...Object.values(auth.headers ?? {}), ...Object.values(auth.query ?? {}), ...(auth.basic ? [auth.basic.username, auth.basic.password] : [])];
}

describe(`API bases: ${withApiBase.length} of ${catalog.length} toolkits have one, ${catalog.length - withApiBase.length} do not; identity for ${withIdentity.length}`, () => {
  it('every placeholder in apiBaseUrl, identity, metadata and apiAuth resolves', () => {
    let checked = 0;
    for (const entry of catalog) {
      const names = namesFor(entry);
      const urls = [entry.apiBaseUrl, entry.oauth?.apiBaseUrl, entry.identity?.from === 'endpoint' ? entry.identity.url : undefined];
      for (const url of [...urls, ...entry.metadata.map((m) => m.url)]) {
        for (const name of urlPlaceholders(url ?? '')) {
          expect(names.has(name), `${entry.slug}: [${name}]`).toBe(true);
          checked++;
        }
      }
      for (const template of templatesOf(entry.apiAuth)) {
        for (const name of credentialPlaceholders(template)) {
          expect(names.has(name), `${entry.slug}: {${name}}`).toBe(true);
          checked++;
        }
      }
      for (const template of templatesOf(entry.oauth?.apiAuth)) {
        for (const name of credentialPlaceholders(template)) {
          expect(names.has(name) || ['accessToken', 'clientId'].includes(name), `${entry.slug}: {${name}}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('credential toolkits with an API base say how credentials are sent', () => {
    for (const entry of catalog) {
      for (const scheme of entry.authSchemes) {
        const access = apiAccessFor(entry, scheme);
        if (access.baseUrl && scheme !== 'NO_AUTH') expect(access.auth, `${entry.slug} ${scheme}`).not.toBeNull();
      }
    }
  });

  it('covers every grant provider once: an override or API description, or a reason for having none', () => {
    for (const key of Object.keys(grantProviders)) {
      const entry = toolkit(slugFromGrantKey(key));
      const hasBase = Boolean(entry.apiBaseUrl ?? entry.oauth?.apiBaseUrl);
      expect(hasBase !== key in grantProvidersWithoutApi, key).toBe(true);
      expect(key in grantApiBases && oauthOverrides[key]?.apiBaseUrl !== undefined, `${key} described twice`).toBe(false);
    }
    expect(withApiBase.length).toBeGreaterThanOrEqual(200);
    expect(withIdentity.length).toBeGreaterThanOrEqual(100);
  });

  it('keeps hand-written OAuth slugs apart from grant keys', () => {
    const grantSlugs = new Set(Object.keys(grantProviders).map(slugFromGrantKey));
    for (const entry of oauthToolkits) expect(grantSlugs.has(entry.slug), entry.slug).toBe(false);
    expect(oauthToolkits.map((t) => t.slug)).toEqual(
      expect.arrayContaining(['gmail', 'googlecalendar', 'googledrive', 'googlesheets', 'googledocs', 'outlook', 'onedrive', 'microsoftteams', 'linear', 'hubspot', 'calendly']),
    );
  });
});
