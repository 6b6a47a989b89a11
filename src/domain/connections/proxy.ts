import { z } from 'zod';
import type { AuthScheme } from '../../catalog/index.js';
import type { Caller } from '../access/caller.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { parseInput } from '../validation.js';
import { accountAccess } from './api-credentials.js';
import { readLimited, requestHeaders, responseHeaders, sendFollowingSameOrigin, type HeaderPair } from './api-http.js';
import { apiUrl } from './api-path.js';
import { apiAccessOf, resolveApiBase } from './api-target.js';
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
  if (access.auth === null && scheme !== 'NO_AUTH') {
    throw new DomainError('BAD_USER_INPUT', `The toolkit "${account.toolkit.slug}" does not say how its credentials go on API requests.`);
  }
  const auth = scheme === 'NO_AUTH' ? null : access.auth;
  let credentials = accountAccess(deps, account, auth);
  const url = apiUrl(resolveApiBase(access.baseUrl, credentials.values), input.path, input.query);
  const callerHeaders = requestHeaders(input.headers);
  const timeoutMs = input.timeoutMs ?? PROXY_LIMITS.timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  const attempt = () =>
    sendFollowingSameOrigin(deps.egress.fetch, { method: input.method, url, headers: callerHeaders, body: input.body ?? null }, signal, credentials.authorize);

  try {
    let response = await attempt();
    if (response.status === 401 && refreshable(deps, account)) {
      // The token may have been revoked or rotated early: one forced refresh (shared with concurrent callers) and one retry.
      await response.body?.cancel();
      account = await usableAccount(deps, caller, input.connectedAccountId, { since: readAt, force: true });
      credentials = accountAccess(deps, account, auth);
      response = await attempt();
    }
    // Wherever the answer repeats the account's credentials (an echo endpoint, an error quoting the request), the
    // caller, a browser's session token or a model, sees them replaced.
    const redact = credentials.redact;
    const body = redact((await readLimited(response, PROXY_LIMITS.bodyBytes)).toString('utf8'));
    const headers = responseHeaders(response.headers).map(({ name, value }) => ({ name, value: redact(value) }));
    return { status: response.status, headers, body, json: parseJson(response.headers.get('content-type'), body) };
  } catch (error) {
    unreachable(error, timeoutMs);
  }
}
