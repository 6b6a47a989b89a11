import type { ApiAuth, AuthScheme, CatalogToolkit } from './schema.js';

/** How a connection of one scheme calls the toolkit's API: its base URL template and credential placement. */
export interface ApiAccess {
  /** Base URL template (`[field]` placeholders: fields and metadata), or null when the catalog knows none. */
  baseUrl: string | null;
  /** Credential templates (`{name}` placeholders), or `oauth1-signature` for OAuth 1 signed requests; null if unknown. */
  auth: ApiAuth | 'oauth1-signature' | null;
}

/** The default for OAuth 2 connections: the access token as a bearer token. */
const bearerAccessToken: ApiAuth = { headers: { Authorization: 'Bearer {accessToken}' } };

/**
 * API base and credential placement for a connection of `scheme` to `toolkit`, defaults applied: OAuth 2 →
 * `Authorization: Bearer {accessToken}` unless `oauth.apiAuth` says otherwise; OAuth 1 → a signed request unless
 * `oauth.apiAuth`; API-key, bearer and basic → `apiAuth` (required by the schema whenever there is an apiBaseUrl).
 */
export function apiAccessFor(toolkit: CatalogToolkit, scheme: AuthScheme): ApiAccess {
  if (scheme === 'OAUTH2' || scheme === 'OAUTH1') {
    const oauth = toolkit.oauth;
    return {
      baseUrl: oauth?.apiBaseUrl ?? toolkit.apiBaseUrl ?? null,
      auth: oauth?.apiAuth ?? (scheme === 'OAUTH2' ? bearerAccessToken : 'oauth1-signature'),
    };
  }
  return { baseUrl: toolkit.apiBaseUrl ?? null, auth: toolkit.apiAuth ?? null };
}
