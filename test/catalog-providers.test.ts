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

// What these providers are sent (authorization URLs, code exchanges, refreshes, identity calls, API bases) is checked
// on the wire in catalog-oauth-requests.test.ts; here, what never goes on the wire in those flows.
describe('audited providers', () => {
  it('Google and its products: the issuer iss is checked against, RFC 7009 revocation, least-privilege Gmail', () => {
    for (const slug of ['google', 'gmail', 'googlecalendar', 'googledrive', 'googlesheets', 'googledocs']) {
      expect(toolkit(slug).oauth, slug).toMatchObject({ issuer: 'https://accounts.google.com', revokeUrl: 'https://oauth2.googleapis.com/revoke' });
    }
    expect(toolkit('gmail').oauth?.defaultScopes).not.toContain('https://mail.google.com/');
  });

  it('Slack: bot tokens typed in go out as bearer tokens', () => {
    expect(apiAccessFor(toolkit('slack'), 'BEARER_TOKEN').auth).toEqual({ headers: { Authorization: 'Bearer {botToken}' } });
  });

  it('GitHub: the merged token field is for the token scheme only', () => {
    const pat = toolkit('github').fields.find((f) => f.name === 'accessToken');
    expect(pat?.description).toMatch(/personal access token/i);
    expect(pat?.authSchemes).toEqual(['BEARER_TOKEN']);
  });

  it('Notion: Notion-Version on every call, integration tokens included', () => {
    expect(apiAccessFor(toolkit('notion'), 'BEARER_TOKEN').auth).toEqual({
      headers: { Authorization: 'Bearer {integrationToken}', 'Notion-Version': '2022-06-28' },
    });
  });

  it('Atlassian: API tokens go to the site URL with Basic', () => {
    expect(apiAccessFor(toolkit('atlassian'), 'BASIC')).toEqual({ baseUrl: '[siteUrl]', auth: { basic: { username: '{email}', password: '{apiToken}' } } });
  });

  it('Linear, HubSpot, Calendly: hand-written OAuth merged with their API-key forms', () => {
    expect(toolkit('linear').authSchemes).toEqual(['OAUTH2', 'API_KEY']);
    expect(apiAccessFor(toolkit('linear'), 'API_KEY').auth).toEqual({ headers: { Authorization: '{apiKey}' } });
    expect(toolkit('hubspot').authSchemes).toEqual(['OAUTH2', 'BEARER_TOKEN']);
    expect(toolkit('calendly').oauth?.revokeUrl).toBe('https://auth.calendly.com/oauth/revoke');
  });

  it('revocation endpoints and the identity fields read from the answers', () => {
    expect(toolkit('salesforce').oauth?.revokeUrl).toBe('https://login.salesforce.com/services/oauth2/revoke');
    expect(toolkit('hubspot').oauth?.revokeUrl).toBe('https://api.hubapi.com/oauth/2026-03/token/revoke');
    expect(toolkit('zoom').oauth?.revokeUrl).toBe('https://zoom.us/oauth/revoke');
    expect(toolkit('discord').oauth?.revokeUrl).toBe('https://discord.com/api/oauth2/token/revoke');
    expect(toolkit('box').oauth?.revokeUrl).toBe('https://api.box.com/oauth2/revoke');
    expect(toolkit('dropbox').identity).toMatchObject({ id: 'account_id', name: 'name.display_name' });
    expect(toolkit('asana').identity).toMatchObject({ id: 'data.gid' });
    expect(apiAccessFor(toolkit('discord'), 'BEARER_TOKEN').auth).toEqual({ headers: { Authorization: 'Bot {botToken}' } });
    expect(apiAccessFor(toolkit('figma'), 'BEARER_TOKEN').auth).toEqual({ headers: { 'X-Figma-Token': '{accessToken}' } });
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

/**
 * The catalog toolkits without an API base, each for want of a public REST API its tokens open (grant-api-bases.ts
 * says why, per provider). Giving one of them an apiBaseUrl, or losing one elsewhere, must change this list.
 */
const withoutApiBase = [
  // Identity providers: their tokens sign a user in (OpenID Connect) and open no API of theirs.
  ...['apple', 'authentiq', 'authing', 'cas', 'cognito', 'crossid', 'fusionauth', 'ibm', 'keycloak', 'logingov'],
  ...['onelogin', 'phantauth', 'workos', 'yahoo', 'yandex'],
  // Services, or their APIs, that are gone.
  ...['500px', 'angellist', 'cheddar', 'delivery', 'edmodo', 'eyeem', 'geeklist', 'getpocket', 'gitter', 'goodreads'],
  ...['homeaway', 'idonethis', 'jumplead', 'live', 'nest', 'nylas', 'skyrock', 'slice', 'stormz', 'traxo', 'viadeo'],
  // APIs closed to new applications.
  ...['23andme', 'coursera', 'mapmyfitness', 'runkeeper', 'underarmour', 'venmo', 'xing'],
  // grant's endpoints are retired ones: OAuth 1 where the API moved to OAuth 2, or a sample host.
  ...['beatport', 'etsy', 'freshbooks', 'openstreetmap', 'sellsy', 'upwork', 'uservoice', 'xero'],
  // Not REST: Evernote's API is Thrift.
  'evernote',
  // No public documentation of an API base to check one against.
  ...['huddle', 'mailxpert', 'moxtra', 'socialpilot', 'ticketbud', 'weekdone'],
].sort();

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

  it(`leaves only the ${withoutApiBase.length} toolkits without a public REST API without one`, () => {
    expect(catalog.filter((t) => !(t.apiBaseUrl ?? t.oauth?.apiBaseUrl)).map((t) => t.slug)).toEqual(withoutApiBase);
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
