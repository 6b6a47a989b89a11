import { z } from 'zod';
import type { AuthScheme } from '../../catalog/index.js';
import type { Caller } from '../access/caller.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { clientCredentialsOf } from '../toolkits/auth-configs.js';
import { asFieldValues } from '../toolkits/toolkit-endpoints.js';
import { parseInput } from '../validation.js';
import { readLimited, requestHeaders, responseHeaders, sendFollowingSameOrigin, type HeaderPair } from './api-http.js';
import { apiUrl } from './api-path.js';
import { apiAccessOf, applyCredentials, resolveApiBase } from './api-target.js';
import { usableAccount } from './connected-accounts.js';
import { openCredentials } from './credentials.js';

/** Ceilings of one proxied request; the caller may only lower the timeout. */
export const PROXY_LIMITS = {
  /** Bytes of the request body and of the response body. */
  bodyBytes: 5 * 1024 * 1024,
  /** Whole exchange, redirects and a refresh retry included. */
  timeoutMs: 30_000,
} as const;

const pairSchema = z.object({ name: z.string().min(1).max(256), value: z.string().max(8192) });

const proxyInputSchema = z
  .object({
    connectedAccountId: z.string().min(1),
    method: z
      .string()
      .transform((method) => method.toUpperCase())
      .pipe(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], { error: 'must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS' })),
    path: z.string().max(8192),
    query: z.array(pairSchema).max(100).default([]),
    headers: z.array(pairSchema).max(100).default([]),
    body: z.string().nullish(),
    timeoutMs: z.number().int().min(1).max(PROXY_LIMITS.timeoutMs).nullish(),
  })
  .refine((input) => !(input.body != null && (input.method === 'GET' || input.method === 'HEAD')), {
    message: 'a GET or HEAD request has no body',
    path: ['body'],
  });

export type ProxyInput = z.input<typeof proxyInputSchema>;

export interface ProxyResponse {
  status: number;
  headers: HeaderPair[];
  /** The response body as UTF-8 text. */
  body: string;
  /** The body parsed, when the API said it is JSON and it parses; null otherwise. */
  json: unknown;
}

type Account = Awaited<ReturnType<typeof usableAccount>>;

/** What credential templates may name: the account's URL values, then its secrets (OAuth tokens or form fields). */
function credentialValues(deps: DomainDeps, account: Account): Record<string, string> {
  const values: Record<string, string> = { ...asFieldValues(account.fieldValues) };
  const credentials = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! });
  if (credentials.scheme === 'OAUTH2' || credentials.scheme === 'OAUTH1') {
    values.accessToken = credentials.accessToken;
    if (credentials.scheme === 'OAUTH1' && credentials.accessSecret) values.accessSecret = credentials.accessSecret;
  } else {
    Object.assign(values, credentials.fields);
  }
  return values;
}

/** The auth config's public client id, for APIs that want it beside the token (Twitch's Client-Id). */
function withClientId(deps: DomainDeps, account: Account, values: Record<string, string>, needed: boolean) {
  if (needed) values.clientId = clientCredentialsOf(deps, account.authConfig, account.toolkit).clientId;
  return values;
}

/** Whether a 401 is worth a refresh: an OAuth 2 account that holds a refresh token. */
function refreshable(deps: DomainDeps, account: Account): boolean {
  const credentials = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! });
  return credentials.scheme === 'OAUTH2' && credentials.refreshToken !== null;
}

function parseJson(contentType: string | null, text: string): unknown {
  if (!contentType || !/[/+]json\b/i.test(contentType)) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function unreachable(error: unknown, timeoutMs: number): never {
  if (error instanceof DomainError) throw error;
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    throw new DomainError('PROVIDER_UNAVAILABLE', `The API did not answer within ${timeoutMs} ms.`);
  }
  // The cause may quote the URL, whose query can hold a credential: say only what happened.
  throw new DomainError('PROVIDER_UNAVAILABLE', 'The API could not be reached.');
}

/**
 * Calls the toolkit's API on the account's behalf: the path under the toolkit's API base, the account's credentials
 * put on as the toolkit says (never shown to the caller), one forced refresh and retry on a 401 from an OAuth 2 API.
 * A project API key may use any of its project's accounts; a session client token only its own user's.
 */
export async function proxyRequest(deps: DomainDeps, caller: Caller, raw: ProxyInput): Promise<ProxyResponse> {
  const input = parseInput(proxyInputSchema, raw, 'proxy request');
  if (input.body != null && Buffer.byteLength(input.body, 'utf8') > PROXY_LIMITS.bodyBytes) {
    throw new DomainError('BAD_USER_INPUT', `The request body is larger than ${PROXY_LIMITS.bodyBytes} bytes.`);
  }
  const readAt = new Date();
  let account = await usableAccount(deps, caller, input.connectedAccountId, { since: readAt });
  const scheme = account.authConfig.authScheme as AuthScheme;
  const access = apiAccessOf(account.toolkit, scheme);
  if (!access.baseUrl) throw new DomainError('BAD_USER_INPUT', `The toolkit "${account.toolkit.slug}" has no API base URL to call.`);
  if (access.auth === 'oauth1-signature') {
    throw new DomainError('BAD_USER_INPUT', 'The proxy does not sign OAuth 1.0a requests; use issueAccessToken and sign them yourself.');
  }
  if (access.auth === null && scheme !== 'NO_AUTH') {
    throw new DomainError('BAD_USER_INPUT', `The toolkit "${account.toolkit.slug}" does not say how its credentials go on API requests.`);
  }
  const auth = scheme === 'NO_AUTH' ? null : access.auth;
  const needsClientId = JSON.stringify(auth ?? {}).includes('{clientId}');
  let values = withClientId(deps, account, credentialValues(deps, account), needsClientId);
  const base = resolveApiBase(access.baseUrl, values);
  const url = apiUrl(base, input.path, input.query);
  const callerHeaders = requestHeaders(input.headers);
  const timeoutMs = input.timeoutMs ?? PROXY_LIMITS.timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);

  const attempt = async () => {
    const headers = new Headers(callerHeaders);
    const target = new URL(url);
    const current = values;
    const reapply = (next: URL) => auth && applyCredentials(next, new Headers(), { query: auth.query }, current);
    if (auth) applyCredentials(target, headers, auth, current);
    return sendFollowingSameOrigin(deps.egress.fetch, { method: input.method, url: target, headers, body: input.body ?? null }, signal, reapply);
  };

  try {
    let response = await attempt();
    if (response.status === 401 && refreshable(deps, account)) {
      // The token may have been revoked or rotated early: one forced refresh (shared with concurrent callers) and one retry.
      await response.body?.cancel();
      account = await usableAccount(deps, caller, input.connectedAccountId, { since: readAt, force: true });
      values = withClientId(deps, account, credentialValues(deps, account), needsClientId);
      response = await attempt();
    }
    const body = (await readLimited(response, PROXY_LIMITS.bodyBytes)).toString('utf8');
    return { status: response.status, headers: responseHeaders(response.headers), body, json: parseJson(response.headers.get('content-type'), body) };
  } catch (error) {
    unreachable(error, timeoutMs);
  }
}
