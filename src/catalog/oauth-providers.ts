import { createRequire } from 'node:module';
import { z } from 'zod';
import { displayNames } from './display-names.js';
import { grantApiBases, grantProvidersWithoutApi } from './grant-api-bases.js';
import { oauthOverrides } from './oauth-overrides.js';
import type { CatalogToolkitInput, CredentialFieldInput, OAuthSettingsInput } from './schema.js';

/** Shape of one provider record in grant's `config/oauth.json`; extra keys grant may add later are ignored. */
export const grantProviderSchema = z.object({
  authorize_url: z.string(),
  access_url: z.string(),
  request_url: z.string().optional(),
  oauth: z.union([z.literal(1), z.literal(2)]),
  scope_delimiter: z.string().optional(),
});

/** One provider record in grant's `config/oauth.json`. */
export type GrantProvider = z.infer<typeof grantProviderSchema>;

/** grant's provider catalog keyed by grant key, read from the installed grant package so it stays grant's data. */
export const grantProviders: Readonly<Record<string, unknown>> = createRequire(import.meta.url)('grant/config/oauth.json');

/**
 * Delimiter grant itself joins scopes with when a provider has no `scope_delimiter`
 * (`scope_delimiter = ','` in grant/lib/config.js), so the catalog reproduces grant's requests.
 */
export const grantDefaultScopeDelimiter = ',';

/**
 * Maps a grant key to a catalog slug. Every key in grant 5.4.24 already satisfies the slug regex
 * (`23andme` and `500px` start with a digit, which the regex allows), so today this is the identity;
 * it lowercases and turns any other character into '-' so a future grant key cannot yield an invalid slug.
 */
export function slugFromGrantKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
}

/** Display name for a grant key: the brand name from display-names.ts, else the key capitalized. */
export function displayNameForGrantKey(key: string): string {
  return displayNames[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** The credential field grant's `[subdomain]` URL placeholder is filled from, described from the URL's shape. */
function subdomainField(name: string, urls: string[]): CredentialFieldInput {
  const example = urls.find((url) => url.includes('[subdomain]')) ?? '';
  if (/^https:\/\/\[subdomain\]\//.test(example)) {
    return {
      name: 'subdomain',
      label: 'Server host',
      secret: false,
      pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?(/\\S*)?$',
      placeholder: 'auth.example.com',
      description: `Host (and path prefix, if any) of your ${name} server, without https://`,
    };
  }
  const host = new URL(example.replace('[subdomain]', 'acme')).host;
  return {
    name: 'subdomain',
    label: `${name} subdomain`,
    secret: false,
    pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$',
    placeholder: 'acme',
    description: `The "acme" part of ${host}`,
  };
}

// The providers grant's code exchange authenticates with HTTP Basic (grant/lib/flow/oauth2.js):
// refresh and revocation must use the same method, or providers that insist on it refuse them.
const grantBasicAuthProviders = /autodesk|ebay|fitbit|homeaway|hootsuite|notion|reddit|trustpilot|twitter/;

/** Turns one grant record (plus its override and API description, if any) into a catalog entry, not yet validated. */
export function toolkitFromGrantProvider(key: string, raw: unknown): CatalogToolkitInput {
  const parsed = grantProviderSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`grant provider "${key}" is malformed: ${z.prettifyError(parsed.error)}`);
  }
  const provider = parsed.data;
  const override = oauthOverrides[key] ?? {};
  const api = grantApiBases[key];
  const name = displayNameForGrantKey(key);
  const oauth: OAuthSettingsInput = {
    version: provider.oauth,
    authorizeUrl: provider.authorize_url,
    tokenUrl: provider.access_url,
    ...(provider.request_url ? { requestUrl: provider.request_url } : {}),
    scopeDelimiter: provider.scope_delimiter ?? grantDefaultScopeDelimiter,
    ...(provider.oauth === 2 && grantBasicAuthProviders.test(key) ? { tokenAuthMethod: 'client_secret_basic' } : {}),
    ...(api?.apiAuth ? { apiAuth: api.apiAuth } : {}),
    ...override.oauth,
  };
  const urls = [oauth.authorizeUrl, oauth.tokenUrl, oauth.requestUrl, oauth.refreshUrl, oauth.revokeUrl, oauth.userInfoUrl];
  const apiUrls = [override.apiBaseUrl ?? api?.base, oauth.apiBaseUrl];
  const needsSubdomain = [...urls, ...apiUrls].some((url) => url?.includes('[subdomain]'));
  const metadata = override.metadata ?? api?.metadata;
  const identity = override.identity ?? api?.identity;
  const entry: CatalogToolkitInput = {
    slug: slugFromGrantKey(key),
    name,
    categories: override.categories ?? [],
    authSchemes: [provider.oauth === 1 ? 'OAUTH1' : 'OAUTH2'],
    oauth,
    fields: needsSubdomain ? [subdomainField(name, [...urls, ...apiUrls].filter((url) => url !== undefined))] : [],
  };
  if (override.description) entry.description = override.description;
  if (override.apiBaseUrl ?? api?.base) entry.apiBaseUrl = override.apiBaseUrl ?? api?.base;
  if (identity) entry.identity = identity;
  if (metadata) entry.metadata = metadata;
  return entry;
}

/** Every grant provider as a catalog entry, in grant's order; throws on slug collisions or stray overrides. */
export function oauthProviderToolkits(): CatalogToolkitInput[] {
  const described = [...Object.keys(oauthOverrides), ...Object.keys(grantApiBases), ...Object.keys(grantProvidersWithoutApi)];
  for (const key of [...described, ...Object.keys(displayNames)]) {
    if (!(key in grantProviders)) throw new Error(`catalog data refers to unknown grant provider "${key}"`);
  }
  const bySlug = new Map<string, string>();
  return Object.entries(grantProviders).map(([key, raw]) => {
    const toolkit = toolkitFromGrantProvider(key, raw);
    const clash = bySlug.get(toolkit.slug);
    if (clash) throw new Error(`grant providers "${clash}" and "${key}" both map to slug "${toolkit.slug}"`);
    bySlug.set(toolkit.slug, key);
    return toolkit;
  });
}
