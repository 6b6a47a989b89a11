import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { isEgressRefusal, type EgressFetch } from '../../egress/index.js';
import type { TokenAuthMethod } from '../../generated/prisma/client.js';
import type { ClientCredentials } from '../toolkits/auth-configs.js';

const REQUEST_TIMEOUT_MS = 10_000;

/** What the token endpoint of a toolkit needs to know. */
export interface TokenEndpoint {
  tokenUrl: string;
  /** Where refresh grants go when not to tokenUrl (Figma's `/v1/oauth/refresh`). */
  refreshUrl?: string | null;
  revokeUrl?: string | null;
  client: ClientCredentials;
  authMethod: TokenAuthMethod;
  /** The egress-checked fetch every request to the provider goes through. */
  fetch: EgressFetch;
}

// Tolerant of what real providers send: `refresh_token: null`, no `expires_in`, numbers as
// strings, a missing `token_type`.
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().min(1).nullish(),
  expires_in: z.coerce.number().positive().nullish(),
  refresh_token: z.string().min(1).nullish(),
  scope: z.string().nullish(),
});

export type RefreshOutcome =
  | {
      kind: 'refreshed';
      accessToken: string;
      tokenType: string;
      expiresIn: number | null;
      /** Null when the provider sent none: the caller keeps the old one. */
      refreshToken: string | null;
      scope: string | null;
    }
  /** The grant is gone (invalid_grant, unauthorized_client): only the user can fix it. */
  | { kind: 'rejected'; error: string; description: string | null }
  /** Network error, timeout, 429, 5xx or an unreadable answer: worth retrying later. */
  | { kind: 'unavailable'; error: string };

const PERMANENT_ERRORS = new Set(['invalid_grant', 'unauthorized_client']);

function endpointOptions(endpoint: TokenEndpoint, url: string) {
  // http is only ever allowed for loopback hosts (see createToolkit), i.e. development servers.
  return {
    signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    [oauth.customFetch]: endpoint.fetch,
    ...(url.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** A failed request as a retryable error code: `egress_refused`, or one `network` for the rest (no port-scan hints). */
function networkError(error: unknown): string {
  return isEgressRefusal(error) ? 'network: egress_refused' : 'network: no_answer';
}

/**
 * HTTP Basic with `id:secret` as they are, the way grant authenticates the code exchange.
 * oauth4webapi's ClientSecretBasic form-encodes both first (RFC 6749 2.3.1), which providers
 * that do not decode refuse (an eBay client id holds "-"), and a refusal at refresh would
 * expire the account.
 */
function clientSecretBasicAsIs(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${client.client_id}:${clientSecret}`).toString('base64')}`);
  };
}

function clientAuthOf(endpoint: TokenEndpoint): oauth.ClientAuth {
  return endpoint.authMethod === 'CLIENT_SECRET_BASIC'
    ? clientSecretBasicAsIs(endpoint.client.clientSecret)
    : oauth.ClientSecretPost(endpoint.client.clientSecret);
}

function serverOf(endpoint: TokenEndpoint, tokenUrl = endpoint.tokenUrl): oauth.AuthorizationServer {
  const url = new URL(tokenUrl);
  return {
    issuer: url.origin,
    token_endpoint: tokenUrl,
    ...(endpoint.revokeUrl ? { revocation_endpoint: endpoint.revokeUrl } : {}),
  };
}

/** One refresh_token grant request, its answer classified. Never throws for provider trouble. */
export async function requestRefresh(endpoint: TokenEndpoint, refreshToken: string): Promise<RefreshOutcome> {
  const refreshUrl = endpoint.refreshUrl ?? endpoint.tokenUrl;
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(
      serverOf(endpoint, refreshUrl),
      { client_id: endpoint.client.clientId },
      clientAuthOf(endpoint),
      refreshToken,
      endpointOptions(endpoint, refreshUrl),
    );
  } catch (error) {
    return { kind: 'unavailable', error: networkError(error) };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) return { kind: 'unavailable', error: 'invalid_token_response' };
    return {
      kind: 'refreshed',
      accessToken: parsed.data.access_token,
      tokenType: parsed.data.token_type ?? 'Bearer',
      expiresIn: parsed.data.expires_in ?? null,
      refreshToken: parsed.data.refresh_token ?? null,
      scope: parsed.data.scope ?? null,
    };
  }
  const error = z.object({ error: z.string(), error_description: z.string().nullish() }).safeParse(body);
  if (error.success && PERMANENT_ERRORS.has(error.data.error)) {
    return { kind: 'rejected', error: error.data.error, description: error.data.error_description ?? null };
  }
  return { kind: 'unavailable', error: error.success ? explained(error.data.error) : `http_${response.status}` };
}

/**
 * invalid_client at refresh means the auth config's client is not the app the tokens were
 * issued to (typical of imported accounts given the wrong auth config) or its secret changed.
 * It is kept retryable, since fixing the auth config fixes the account, and said plainly.
 */
function explained(error: string): string {
  return error === 'invalid_client'
    ? "invalid_client: the provider refused the auth config's client id/secret. Refresh tokens only work with the OAuth app " +
        'that issued them: an imported account needs the auth config of that app (fix its credentials with updateAuthConfig).'
    : error;
}

/** RFC 7009 revocation; true when the provider confirmed (200). */
export async function requestRevocation(endpoint: TokenEndpoint, token: string): Promise<boolean> {
  if (!endpoint.revokeUrl) return false;
  try {
    const response = await oauth.revocationRequest(
      serverOf(endpoint),
      { client_id: endpoint.client.clientId },
      clientAuthOf(endpoint),
      token,
      endpointOptions(endpoint, endpoint.revokeUrl),
    );
    return response.ok;
  } catch {
    return false;
  }
}
