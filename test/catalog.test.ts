import { describe, expect, it } from 'vitest';
import { displayNames } from '../src/catalog/display-names.js';
import { moreProviderOverrides } from '../src/catalog/oauth-overrides-more.js';
import { topProviderOverrides } from '../src/catalog/oauth-overrides-top.js';
import { oauthOverrides } from '../src/catalog/oauth-overrides.js';
import {
  buildCatalog,
  catalogToolkitSchema,
  credentialAuthSchemes,
  grantProviders,
  loadCatalog,
  slugFromGrantKey,
  type CatalogToolkit,
  type CatalogToolkitInput,
} from '../src/catalog/index.js';

const catalog = loadCatalog();
const bySlug = new Map(catalog.map((toolkit) => [toolkit.slug, toolkit]));
const usesCredentials = (toolkit: CatalogToolkit) =>
  toolkit.authSchemes.some((scheme) => (credentialAuthSchemes as readonly string[]).includes(scheme));

function toolkit(slug: string): CatalogToolkit {
  const found = bySlug.get(slug);
  if (!found) throw new Error(`no toolkit ${slug}`);
  return found;
}

function fieldPattern(slug: string, name: string): RegExp {
  const pattern = toolkit(slug).fields.find((field) => field.name === name)?.pattern;
  if (!pattern) throw new Error(`no pattern on ${slug}.${name}`);
  return new RegExp(pattern);
}

/** Issue messages of a rejected entry, joined, so tests can match on the problem. */
function rejection(entry: unknown): string {
  const result = catalogToolkitSchema.safeParse(entry);
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n') ?? '';
}

const validOAuth = { version: 2 as const, authorizeUrl: 'https://x.example.com/auth', tokenUrl: 'https://x.example.com/token' };

describe('toolkit catalog', () => {
  it('overrides each provider in one file only', () => {
    const top = Object.keys(topProviderOverrides);
    expect(Object.keys(moreProviderOverrides).filter((name) => top.includes(name))).toEqual([]);
    expect(Object.keys(oauthOverrides)).toHaveLength(top.length + Object.keys(moreProviderOverrides).length);
  });

  it('loads once, sorted, frozen', () => {
    expect(loadCatalog()).toBe(catalog);
    expect(catalog.length).toBeGreaterThanOrEqual(230);
    expect(catalog.map((t) => t.slug)).toEqual([...catalog.map((t) => t.slug)].sort());
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(toolkit('google').oauth)).toBe(true);
  });

  it('has unique, valid slugs', () => {
    expect(bySlug.size).toBe(catalog.length);
    for (const { slug } of catalog) expect(slug).toMatch(/^[a-z0-9][a-z0-9_-]{0,62}$/);
  });

  it("contains every grant provider with grant's endpoints, unless an audited override moves them", () => {
    const keys = Object.keys(grantProviders);
    expect(keys.length).toBe(218);
    for (const key of keys) {
      const grant = grantProviders[key] as { authorize_url: string; access_url: string; request_url?: string; oauth: 1 | 2 };
      const override = oauthOverrides[key]?.oauth;
      const entry = toolkit(slugFromGrantKey(key));
      expect(entry.authSchemes).toContain(grant.oauth === 1 ? 'OAUTH1' : 'OAUTH2');
      expect(entry.oauth).toMatchObject({
        version: grant.oauth,
        authorizeUrl: override?.authorizeUrl ?? grant.authorize_url,
        tokenUrl: override?.tokenUrl ?? grant.access_url,
      });
      expect(entry.oauth?.requestUrl).toBe(grant.request_url);
    }
    expect(toolkit('slack').oauth).toMatchObject({
      authorizeUrl: 'https://slack.com/oauth/v2/authorize',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
    });
  });

  it('gives grant providers readable names and a subdomain field where their URLs need one', () => {
    expect(toolkit('github').name).toBe('GitHub');
    expect(toolkit('23andme').name).toBe('23andMe');
    expect(toolkit('paypal').name).toBe('PayPal');
    expect(toolkit('openstreetmap').name).toBe('OpenStreetMap');
    expect(toolkit('slack').name).toBe('Slack');
    for (const [key, name] of Object.entries(displayNames)) {
      expect(grantProviders).toHaveProperty([key]);
      expect(name).not.toBe(key.charAt(0).toUpperCase() + key.slice(1));
    }
    for (const entry of catalog.filter((t) => JSON.stringify(t.oauth ?? {}).includes('[subdomain]'))) {
      expect(entry.fields.map((f) => f.name)).toContain('subdomain');
    }
  });

  it('carries curated OAuth extras for well-known providers', () => {
    expect(toolkit('google').oauth).toMatchObject({
      pkce: true,
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    });
    expect(toolkit('twitter2').oauth?.pkce).toBe(true);
    expect(toolkit('github').oauth?.userInfoUrl).toBe('https://api.github.com/user');
    expect(toolkit('unsplash').oauth?.scopeDelimiter).toBe('+');
  });

  it('has at least 20 toolkits with API-key, bearer or basic fields', () => {
    const withFields = catalog.filter((t) => usesCredentials(t) && t.fields.some((f) => f.secret));
    expect(withFields.length).toBeGreaterThanOrEqual(20);
  });

  it('merges API-key schemes onto grant providers instead of duplicating them', () => {
    const merged = catalog.filter((t) => usesCredentials(t) && t.oauth).map((t) => t.slug);
    expect(merged).toEqual(expect.arrayContaining(['stripe', 'notion', 'shopify', 'atlassian', 'mailchimp', 'github']));
    expect(toolkit('stripe').authSchemes).toEqual(['OAUTH2', 'API_KEY']);
    expect(toolkit('atlassian').authSchemes).toEqual(['OAUTH2', 'BASIC']);
    const shopify = toolkit('shopify');
    expect(shopify.fields.find((f) => f.name === 'subdomain')?.authSchemes).toBeUndefined();
    expect(shopify.fields.find((f) => f.name === 'accessToken')?.authSchemes).toEqual(['BEARER_TOKEN']);
  });

  it('anchors every field pattern', () => {
    for (const field of catalog.flatMap((t) => t.fields)) {
      if (field.pattern) expect(field.pattern).toMatch(/^\^.*\$$/);
    }
  });

  it('validates well-known key formats', () => {
    const openai = fieldPattern('openai', 'apiKey');
    expect(openai.test('sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVwXyZ0123456789_-abcdef')).toBe(true);
    expect(openai.test('sk-' + 'a'.repeat(48))).toBe(true);
    expect(openai.test('hello world')).toBe(false);
    expect(openai.test('pk-' + 'a'.repeat(48))).toBe(false);

    const stripe = fieldPattern('stripe', 'apiKey');
    expect(stripe.test('sk_test_51H8xYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789')).toBe(true);
    expect(stripe.test('rk_live_51H8xYzAbCdEfGhIjKlMnOpQr')).toBe(true);
    expect(stripe.test('pk_live_51H8xYzAbCdEfGhIjKlMnOpQr')).toBe(false);
    expect(stripe.test('sk_prod_51H8xYzAbCdEfGhIjKlMnOpQr')).toBe(false);

    expect(fieldPattern('twilio', 'accountSid').test('AC' + '0123456789abcdef'.repeat(2))).toBe(true);
    expect(fieldPattern('twilio', 'accountSid').test('SK' + '0123456789abcdef'.repeat(2))).toBe(false);
    expect(fieldPattern('github', 'accessToken').test('ghp_' + 'A1b2C3d4E5'.repeat(4).slice(0, 36))).toBe(true);
    expect(fieldPattern('anthropic', 'apiKey').test('sk-ant-api03-' + 'x'.repeat(40))).toBe(true);
    expect(fieldPattern('anthropic', 'apiKey').test('sk-' + 'x'.repeat(40))).toBe(false);
  });
});

describe('catalogToolkitSchema', () => {
  const apiKeyEntry = {
    slug: 'acme',
    name: 'Acme',
    authSchemes: ['API_KEY'],
    fields: [{ name: 'apiKey', label: 'API key', secret: true }],
  };

  it('accepts a minimal entry and applies defaults', () => {
    const parsed = catalogToolkitSchema.parse({ slug: 'acme', name: 'Acme', authSchemes: ['OAUTH2'], oauth: validOAuth });
    expect(parsed).toMatchObject({ categories: [], fields: [], oauth: { scopeDelimiter: ' ', pkce: true, defaultScopes: [] } });
    expect(catalogToolkitSchema.parse(apiKeyEntry).fields[0]?.required).toBe(true);
  });

  it('rejects OAuth schemes without matching settings', () => {
    expect(rejection({ slug: 'acme', name: 'Acme', authSchemes: ['OAUTH2'] })).toMatch(
      /oauth: authSchemes lists OAUTH2 but oauth settings are missing/,
    );
    expect(rejection({ slug: 'acme', name: 'Acme', authSchemes: ['OAUTH1'], oauth: validOAuth })).toMatch(
      /oauth\.version is 2 but authSchemes lists OAUTH1/,
    );
    expect(rejection({ ...apiKeyEntry, oauth: validOAuth })).toMatch(/neither OAUTH1 nor OAUTH2/);
    expect(rejection({ slug: 'acme', name: 'Acme', authSchemes: ['OAUTH1'], oauth: { ...validOAuth, version: 1 } })).toMatch(
      /requestUrl: OAuth 1 requires requestUrl/,
    );
  });

  it('rejects credential schemes without fields, bad patterns and duplicate fields', () => {
    expect(rejection({ ...apiKeyEntry, fields: [] })).toMatch(/fields: API_KEY requires at least one credential field/);
    expect(rejection({ ...apiKeyEntry, fields: [{ ...apiKeyEntry.fields[0], pattern: '^sk-(' }] })).toMatch(
      /fields\.0\.pattern: pattern must be a regular expression RE2 accepts/,
    );
    expect(rejection({ ...apiKeyEntry, fields: [apiKeyEntry.fields[0], apiKeyEntry.fields[0]] })).toMatch(
      /fields\.1\.name: duplicate field name "apiKey"/,
    );
    expect(rejection({ ...apiKeyEntry, fields: [{ ...apiKeyEntry.fields[0], authSchemes: ['BASIC'] }] })).toMatch(
      /is for BASIC, which the toolkit does not list/,
    );
  });

  it('rejects bad slugs, non-https URLs and placeholders without a field', () => {
    expect(rejection({ ...apiKeyEntry, slug: 'Acme Corp' })).toMatch(/^slug: /);
    expect(rejection({ ...apiKeyEntry, apiBaseUrl: 'http://api.acme.com' })).toMatch(/apiBaseUrl: URL must use https/);
    expect(rejection({ ...apiKeyEntry, apiBaseUrl: 'https://[tenant].acme.com' })).toMatch(
      /apiBaseUrl: URL placeholder \[tenant\] does not name a field or metadata/,
    );
    expect(rejection({ ...apiKeyEntry, extra: true })).toMatch(/extra/);
  });
});

describe('buildCatalog', () => {
  const oauthEntry: CatalogToolkitInput = { slug: 'acme', name: 'Acme', authSchemes: ['OAUTH2'], oauth: validOAuth };

  it('names the slug and the problem of a malformed entry', () => {
    const broken: CatalogToolkitInput = { slug: 'broken', name: 'Broken', authSchemes: ['OAUTH2'] };
    expect(() => buildCatalog([oauthEntry], [broken])).toThrow(
      /Catalog toolkit "broken" is invalid: oauth: authSchemes lists OAUTH2 but oauth settings are missing/,
    );
  });

  it('throws on a slug defined twice within a source and merges across sources', () => {
    expect(() => buildCatalog([oauthEntry, oauthEntry], [])).toThrow(/"acme" is defined twice/);
    const apiKey: CatalogToolkitInput = {
      slug: 'acme',
      name: 'Acme API',
      description: 'Acme',
      authSchemes: ['API_KEY'],
      fields: [{ name: 'apiKey', label: 'API key', secret: true }],
    };
    expect(() => buildCatalog([], [apiKey, apiKey])).toThrow(/"acme" is defined twice/);
    const [merged] = buildCatalog([oauthEntry], [apiKey]);
    expect(merged).toMatchObject({ slug: 'acme', name: 'Acme', description: 'Acme', authSchemes: ['OAUTH2', 'API_KEY'] });
    expect(merged?.fields[0]?.authSchemes).toEqual(['API_KEY']);
  });
});
