import {
  apiAccessFor,
  apiAuthSchema,
  credentialFieldSchema,
  credentialPlaceholderPattern,
  loadCatalog,
  urlPlaceholderPattern,
  type ApiAccess,
  type ApiAuth,
  type AuthScheme,
  type CatalogToolkit,
} from '../../catalog/index.js';
import type { Toolkit } from '../../generated/prisma/client.js';
import { DomainError } from '../errors.js';
import { secureUrlSchema } from '../validation.js';

// Where an account's API lives and how its credentials go on a request: the catalog's per-scheme description for
// catalog toolkits, the toolkit row's own `apiAuth` (or a default its scheme makes obvious) for custom ones.

let catalogBySlug: Map<string, CatalogToolkit> | undefined;

/** The catalog entry a toolkit row was synced from; undefined for custom toolkits (and entries since dropped). */
export function catalogEntryOf(toolkit: Pick<Toolkit, 'slug' | 'projectId'>): CatalogToolkit | undefined {
  if (toolkit.projectId !== null) return undefined;
  catalogBySlug ??= new Map(loadCatalog().map((entry) => [entry.slug, entry]));
  return catalogBySlug.get(toolkit.slug);
}

/** What a custom toolkit's scheme implies when it did not say: a bearer access token, a signature, or the one secret field. */
function defaultAuth(toolkit: Toolkit, scheme: AuthScheme): ApiAccess['auth'] {
  if (scheme === 'OAUTH2') return { headers: { Authorization: 'Bearer {accessToken}' } };
  // An OAuth 1 toolkit no longer in the catalog (its row stays for the accounts on it) signs as catalog ones do.
  if (scheme === 'OAUTH1') return 'oauth1-signature';
  const fields = credentialFieldSchema.array().parse(toolkit.fields);
  const secrets = fields.filter((field) => field.secret);
  if (scheme === 'BEARER_TOKEN' && secrets.length === 1) return { headers: { Authorization: `Bearer {${secrets[0]!.name}}` } };
  const user = fields.find((field) => !field.secret);
  if (scheme === 'BASIC' && user && secrets.length === 1) return { basic: { username: `{${user.name}}`, password: `{${secrets[0]!.name}}` } };
  return null;
}

/** The API base template and credential placement of `toolkit` for connections of `scheme`. */
export function apiAccessOf(toolkit: Toolkit, scheme: AuthScheme): ApiAccess {
  const entry = catalogEntryOf(toolkit);
  if (entry) return apiAccessFor(entry, scheme);
  const stored = toolkit.apiAuth === null ? undefined : apiAuthSchema.safeParse(toolkit.apiAuth);
  return { baseUrl: toolkit.apiBaseUrl, auth: stored?.success ? stored.data : defaultAuth(toolkit, scheme) };
}

/** Values a URL placeholder may take: one path segment or host label run, never a separator or `..`. */
const SEGMENT_VALUE = /^[A-Za-z0-9._~-]+$/;

/** A leading `[field]` holds a whole origin (Salesforce's instance URL): it must be one, over https. */
function originValue(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || url.pathname !== '/') return null;
  return url.origin;
}

/** The API base URL of an account: the template's `[field]` placeholders filled from its values. */
export function resolveApiBase(template: string, values: Readonly<Record<string, string>>): URL {
  const url = resolveApiTemplate(template, values);
  url.search = '';
  return url;
}

/** An API URL template (base or endpoint, query kept) with its `[field]` placeholders filled from the account's values. */
export function resolveApiTemplate(template: string, values: Readonly<Record<string, string>>): URL {
  const filled = template.replace(urlPlaceholderPattern, (match, name: string, offset: number) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) throw new DomainError('BAD_USER_INPUT', `The account has no value for [${name}], which the API URL needs.`);
    const safe = offset === 0 ? originValue(value) : SEGMENT_VALUE.test(value) && !value.includes('..') ? value : null;
    if (safe === null) throw new DomainError('BAD_USER_INPUT', `The account's value for [${name}] cannot be part of the API URL.`);
    return safe;
  });
  if (!secureUrlSchema.safeParse(filled).success) {
    throw new DomainError('BAD_USER_INPUT', `The toolkit's API URL ${template} does not give a secure URL.`);
  }
  const url = new URL(filled);
  url.hash = '';
  return url;
}

/** Fills a credential template's `{name}` placeholders; a missing value is refused rather than sent empty. */
export function fillCredential(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(credentialPlaceholderPattern, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (!value) throw new DomainError('BAD_USER_INPUT', `The account has no value for {${name}}, which the API needs.`);
    return value;
  });
}

/** The token of HTTP Basic credentials (`user:password` in base64). */
export function basicToken(basic: NonNullable<ApiAuth['basic']>, values: Readonly<Record<string, string>>): string {
  const pair = `${fillCredential(basic.username, values)}:${basic.password ? fillCredential(basic.password, values) : ''}`;
  return Buffer.from(pair, 'utf8').toString('base64');
}

/** Puts the credentials on a request as `auth` describes; the caller's headers and parameters of those names yield. */
export function applyCredentials(url: URL, headers: Headers, auth: ApiAuth, values: Readonly<Record<string, string>>): void {
  for (const [name, template] of Object.entries(auth.headers ?? {})) headers.set(name, fillCredential(template, values));
  for (const [name, template] of Object.entries(auth.query ?? {})) url.searchParams.set(name, fillCredential(template, values));
  if (auth.basic) headers.set('authorization', `Basic ${basicToken(auth.basic, values)}`);
}
